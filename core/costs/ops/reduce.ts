/** Reductions and scans over an axis: FLOPs proportional to the input, no MACs. */
import type { ComputeRule } from '../context.js';
import { TRANSCENDENTAL_FLOPS } from './elementwise.js';

/**
 * FLOPs per input element of reductions: one add, multiply or compare per element (ReduceSum,
 * ReduceMean, ReduceMax, ReduceMin, ReduceProd, ArgMax, ArgMin, CumSum; the mean's division per
 * output is negligible); 2 when each element is first transformed (ReduceL1 |x|, ReduceL2 and
 * ReduceSumSquare x², ReduceLogSum's final log is per output); ReduceLogSumExp exp then add
 * (1 + TRANSCENDENTAL_FLOPS, an estimate).
 */
export const REDUCE_FLOPS_PER_ELEMENT: Readonly<Record<string, number>> = {
  ReduceSum: 1,
  ReduceMean: 1,
  ReduceMax: 1,
  ReduceMin: 1,
  ReduceProd: 1,
  ReduceLogSum: 1,
  ArgMax: 1,
  ArgMin: 1,
  CumSum: 1,
  ReduceL1: 2,
  ReduceL2: 2,
  ReduceSumSquare: 2,
};

export function reduceRules(): Record<string, ComputeRule> {
  const rules: Record<string, ComputeRule> = {};
  for (const [op, n] of Object.entries(REDUCE_FLOPS_PER_ELEMENT)) {
    rules[op] = (ctx) => ({ macs: 0, flops: n * ctx.elements(ctx.input(0)) });
  }
  rules['ReduceLogSumExp'] = (ctx) => {
    ctx.estimate();
    return { macs: 0, flops: (1 + TRANSCENDENTAL_FLOPS) * ctx.elements(ctx.input(0)) };
  };
  return rules;
}

/**
 * TopK: in_elems × ⌈log2 k⌉ compares (a heap of k per row). An estimate: sorting behaviour
 * depends on the runtime and, when k is not a known value, k is taken as 2.
 */
export const topKRule: ComputeRule = (ctx) => {
  ctx.estimate();
  const k = ctx.inputValues(1)?.[0] ?? ctx.attrInt('k', 2);
  return { macs: 0, flops: ctx.elements(ctx.input(0)) * Math.max(1, Math.ceil(Math.log2(Math.max(k, 2)))) };
};
