/** Random generators: RandomNormal/Uniform(Like), Bernoulli and Multinomial. */
import { DataType } from '../../onnx/dtype.js';
import { ShapeError, type ShapeRule, type ShapeRules } from '../types.js';

/** RandomNormal, RandomUniform: the `shape` attribute, of `dtype` (default float). */
const randomRule: ShapeRule = (ctx) => {
  const shape = ctx.attrInts('shape');
  if (!shape) throw new ShapeError(`${ctx.node.opType} needs a shape attribute`);
  ctx.setOutput(0, { dtype: ctx.attrInt('dtype', DataType.FLOAT), shape: [...shape] });
};

/** RandomNormalLike, RandomUniformLike, Bernoulli: the input's shape, of `dtype` or the input's type. */
const randomLikeRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  ctx.setOutput(0, { dtype: ctx.attrInt('dtype', 0) || x.dtype, shape: x.shape });
};

/** Multinomial: `[batch, sample_size]` (default 1) of `dtype` (default int32). */
const multinomialRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  if (x.shape && x.shape.length !== 2)
    throw new ShapeError(`Multinomial input must be [batch, classes], got rank ${x.shape.length}`);
  const shape = [x.shape?.[0] ?? null, ctx.attrInt('sample_size', 1)];
  ctx.setOutput(0, { dtype: ctx.attrInt('dtype', DataType.INT32), shape });
};

export const randomRules: ShapeRules = {
  RandomNormal: randomRule,
  RandomUniform: randomRule,
  RandomNormalLike: randomLikeRule,
  RandomUniformLike: randomLikeRule,
  Bernoulli: randomLikeRule,
  Multinomial: multinomialRule,
};
