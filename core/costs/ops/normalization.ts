/** Normalisation and softmax: a few FLOPs per element, no MACs. */
import type { ComputeRule } from '../context.js';
import { TRANSCENDENTAL_FLOPS } from './elementwise.js';

/**
 * BatchNormalization (inference): 4 FLOPs per element, y = (x − mean) / √(var + ε) × scale + B
 * (subtract, divide, multiply, add; the per-channel square roots are negligible).
 * InstanceNormalization, LayerNormalization, GroupNormalization: 8 FLOPs per element: the mean
 * (1 add), the variance (subtract, square, add), normalising (subtract, divide) and the affine
 * scale and bias (multiply, add).
 * MeanVarianceNormalization: 6 (no affine part). RMSNormalization: 4 (square, add, divide,
 * scale). LpNormalization: 3 (|x| or x², add, divide).
 */
export const NORMALIZATION_FLOPS_PER_ELEMENT: Readonly<Record<string, number>> = {
  BatchNormalization: 4,
  InstanceNormalization: 8,
  LayerNormalization: 8,
  GroupNormalization: 8,
  MeanVarianceNormalization: 6,
  RMSNormalization: 4,
  LpNormalization: 3,
};

export function normalizationRules(): Record<string, ComputeRule> {
  const rules: Record<string, ComputeRule> = {};
  for (const [op, n] of Object.entries(NORMALIZATION_FLOPS_PER_ELEMENT)) {
    rules[op] = (ctx) => ({ macs: 0, flops: n * ctx.elements(ctx.input(0)) });
  }
  return rules;
}

/**
 * Softmax and LogSoftmax: 4 + TRANSCENDENTAL_FLOPS (= 8) FLOPs per element: the row maximum,
 * subtract it, exp, the row sum, then divide (Softmax) or subtract the log of the sum
 * (LogSoftmax). An estimate because of the exp.
 */
export const SOFTMAX_FLOPS_PER_ELEMENT = 4 + TRANSCENDENTAL_FLOPS;

export const softmaxRule: ComputeRule = (ctx) => {
  ctx.estimate();
  return { macs: 0, flops: SOFTMAX_FLOPS_PER_ELEMENT * ctx.elements(ctx.input(0)) };
};

/** Hardmax: one compare per element (the row arg-max). */
export const hardmaxRule: ComputeRule = (ctx) => ({ macs: 0, flops: ctx.elements(ctx.input(0)) });

/**
 * LRN: per element, the sum of squares over `size` channels (2 × size) plus the scaling
 * (bias + alpha/size × sum)^beta and the division (≈ 3 + TRANSCENDENTAL_FLOPS). An estimate.
 */
export const lrnRule: ComputeRule = (ctx) => {
  ctx.estimate();
  const size = ctx.attrInt('size', 1);
  return { macs: 0, flops: (2 * size + 3 + TRANSCENDENTAL_FLOPS) * ctx.elements(ctx.input(0)) };
};
