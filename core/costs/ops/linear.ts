/**
 * Convolutions and matrix products: the operators whose work is multiply-accumulates. A MAC is
 * counted as 2 FLOPs (one multiply, one add).
 */
import { product, type ComputeRule, type CostContext } from '../context.js';
import type { ComputeCost } from '../types.js';

/**
 * Multiplies per output element of a convolution: C_in/group × kH × kW (× kD), read from the
 * weight [C_out, C_in/group, k…]; when the weight's shape is unknown, from `kernel_shape` and the
 * input's channels divided by `group`.
 */
function convWindow(ctx: CostContext, xSlot: number, wSlot: number): number {
  const w = ctx.input(wSlot);
  if (w?.shape) return product(ctx.dims(w).slice(1));
  const kernel = ctx.attrInts('kernel_shape');
  if (!kernel) ctx.guessed();
  const channels = ctx.dim(ctx.input(xSlot), 1) / ctx.attrInt('group', 1);
  return channels * product(kernel ?? []);
}

/**
 * Conv, ConvInteger, QLinearConv:
 * MACs = out_elems × C_in/group × kH × kW [× kD]; FLOPs = 2 × MACs + out_elems when a bias is
 * present (one add per output element).
 */
export function convRule(xSlot: number, wSlot: number, biasSlot?: number): ComputeRule {
  return (ctx) => {
    const outElems = ctx.elements(ctx.output(0));
    const macs = outElems * convWindow(ctx, xSlot, wSlot);
    const bias = biasSlot !== undefined && ctx.has(biasSlot) ? outElems : 0;
    return { macs, flops: 2 * macs + bias };
  };
}

/**
 * ConvTranspose: every input element is multiplied into a C_out/group × k… patch of the output.
 * MACs = in_elems × C_out/group × kH × kW [× kD] (weight [C_in, C_out/group, k…]);
 * FLOPs = 2 × MACs + out_elems when a bias is present.
 */
export const convTransposeRule: ComputeRule = (ctx) => {
  const w = ctx.input(1);
  let patch: number;
  if (w?.shape) patch = product(ctx.dims(w).slice(1));
  else {
    const kernel = ctx.attrInts('kernel_shape');
    if (!kernel) ctx.guessed();
    patch = (ctx.dim(ctx.output(0), 1) / ctx.attrInt('group', 1)) * product(kernel ?? []);
  }
  const macs = ctx.elements(ctx.input(0)) * patch;
  const bias = ctx.has(2) ? ctx.elements(ctx.output(0)) : 0;
  return { macs, flops: 2 * macs + bias };
};

/**
 * Gemm: Y = alpha × A' × B' + beta × C with A' [M, K].
 * MACs = M × N × K (= out_elems × K); FLOPs = 2 × MACs + M×N if alpha ≠ 1, + M×N for adding C
 * when present, + M×N more if beta ≠ 1.
 */
export const gemmRule: ComputeRule = (ctx) => {
  const a = ctx.input(0);
  const k = ctx.dim(a, ctx.attrInt('transA', 0) ? 0 : 1);
  const outElems = ctx.elements(ctx.output(0));
  const macs = outElems * k;
  let flops = 2 * macs;
  if (ctx.attrFloat('alpha', 1) !== 1) flops += outElems;
  if (ctx.has(2)) flops += ctx.attrFloat('beta', 1) !== 1 ? 2 * outElems : outElems;
  return { macs, flops };
};

/**
 * MatMul, MatMulInteger, QLinearMatMul (NumPy semantics, batched and broadcast):
 * MACs = out_elems × K where K is A's last dimension (its only one when A is 1-D);
 * FLOPs = 2 × MACs.
 */
export const matMulRule: ComputeRule = (ctx): ComputeCost => {
  const k = ctx.dim(ctx.input(0), -1);
  const macs = ctx.elements(ctx.output(0)) * k;
  return { macs, flops: 2 * macs };
};
