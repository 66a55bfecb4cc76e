/**
 * Operators of the `ai.onnx.preview.training` domain: the optimizers Adagrad, Momentum and Adam,
 * whose updated tensors are shaped like the tensors they update, and Gradient, whose outputs are
 * shaped like the inputs they differentiate by. Keyed by operator name, for the driver to apply
 * to nodes of that domain.
 */
import { ShapeError, type ShapeRule, type ShapeRules } from '../types.js';

/** The domain these rules belong to. */
export const PREVIEW_TRAINING_DOMAIN = 'ai.onnx.preview.training';

/**
 * An optimizer with inputs `R, T, X1…Xn, G1…Gn, S1…Sn, …` (`groups` lists of n tensors after R
 * and T) and outputs `X1_new…Xn_new, S1_new…Sn_new, …`: every list but the gradients G is
 * updated, each tensor keeping its shape.
 */
function optimizer(groups: number): ShapeRule {
  return (ctx) => {
    const n = (ctx.inputCount - 2) / groups;
    if (!Number.isInteger(n) || n < 1) {
      throw new ShapeError(
        `${ctx.node.opType} has ${ctx.inputCount} inputs, not 2 + ${groups} lists of equal length`,
      );
    }
    for (let out = 0; out < ctx.outputCount; out++) {
      const group = Math.floor(out / n);
      const k = out % n;
      // Output list 0 updates X (input list 0); list g ≥ 1 updates input list g + 1 (after G).
      const source = 2 + (group === 0 ? 0 : group + 1) * n + k;
      const info = ctx.requireInput(source);
      ctx.setOutput(out, { dtype: info.dtype, shape: info.shape });
    }
  };
}

/** Gradient: output i is the gradient with respect to input i (one of `xs`), shaped like it. */
const gradientRule: ShapeRule = (ctx) => {
  for (let i = 0; i < ctx.outputCount; i++) {
    const x = ctx.requireInput(i);
    ctx.setOutput(i, { dtype: x.dtype, shape: x.shape });
  }
};

export const previewTrainingRules: ShapeRules = {
  Adagrad: optimizer(3),
  Momentum: optimizer(3),
  Adam: optimizer(4),
  Gradient: gradientRule,
};
