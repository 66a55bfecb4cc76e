/** Losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opset 12+). */
import { ShapeError, type Shape, type ShapeRule, type ShapeRules } from '../types.js';

/**
 * Loss output: the target's shape `[N, d1…]` with reduction `none`, else a scalar (`mean`,
 * the default, and `sum`). Scores are `[N, C, d1…]`.
 */
function lossShape(scores: Shape | null, target: Shape | null, reduction: string): Shape | null {
  if (!['none', 'sum', 'mean'].includes(reduction))
    throw new ShapeError(`loss reduction "${reduction}" is not none, sum or mean`);
  if (scores && target && scores.length !== target.length + 1) {
    throw new ShapeError(
      `loss scores of rank ${scores.length} do not match a target of rank ${target.length}`,
    );
  }
  if (reduction !== 'none') return [];
  if (target) return target;
  return scores && [scores[0] ?? null, ...scores.slice(2)];
}

/** NegativeLogLikelihoodLoss(input, target, weight?). */
const nllLossRule: ShapeRule = (ctx) => {
  const input = ctx.requireInput(0);
  const target = ctx.requireInput(1);
  ctx.setOutput(0, {
    dtype: input.dtype,
    shape: lossShape(input.shape, target.shape, ctx.attrString('reduction', 'mean')),
  });
};

/** SoftmaxCrossEntropyLoss(scores, labels, weights?): the loss, and optionally log_prob shaped like scores. */
const softmaxCrossEntropyRule: ShapeRule = (ctx) => {
  const scores = ctx.requireInput(0);
  const labels = ctx.requireInput(1);
  ctx.setOutput(0, {
    dtype: scores.dtype,
    shape: lossShape(scores.shape, labels.shape, ctx.attrString('reduction', 'mean')),
  });
  ctx.setOutput(1, { dtype: scores.dtype, shape: scores.shape });
};

export const lossRules: ShapeRules = {
  NegativeLogLikelihoodLoss: nllLossRule,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropyRule,
};
