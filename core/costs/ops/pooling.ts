/** Pooling: compares or adds over a window, no MACs. */
import { product, type ComputeRule } from '../context.js';

/**
 * MaxPool, AveragePool: FLOPs = out_elems × kH × kW [× kD] (one compare or add per window
 * element; the average's division is folded into the last add). LpPool counts 2 per window
 * element (|x|^p and the add) and is an estimate.
 */
export function poolRule(perWindowElement: number, estimate = false): ComputeRule {
  return (ctx) => {
    if (estimate) ctx.estimate();
    const kernel = ctx.attrInts('kernel_shape');
    if (!kernel) ctx.guessed();
    return { macs: 0, flops: perWindowElement * ctx.elements(ctx.output(0)) * product(kernel ?? []) };
  };
}

/**
 * GlobalAveragePool, GlobalMaxPool: FLOPs = in_elems (every input element is visited once);
 * GlobalLpPool counts 2 per input element and is an estimate.
 */
export function globalPoolRule(perElement: number, estimate = false): ComputeRule {
  return (ctx) => {
    if (estimate) ctx.estimate();
    return { macs: 0, flops: perElement * ctx.elements(ctx.input(0)) };
  };
}
