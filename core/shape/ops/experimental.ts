/**
 * Experimental operators of opset 1 that Caffe2-era exporters wrote and later opsets dropped:
 * Scale, Crop, ConstantFill (ImageScaler, Affine, ScaledTanh and ParametricSoftplus are with the
 * element-wise rules). Shapes follow the ONNX Changelog's "Version 1" entries.
 */
import { DataType } from '../../onnx/dtype.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules } from '../types.js';
import { addDim } from './layout-dims.js';
import { inputEntries, unknownShape } from './layout-values.js';
import { sameAsInput } from './elementwise.js';

/**
 * Crop of an [N, C, H, W] image: with `scale` (height, width) the output is that size; without,
 * `border` (left, top, right, bottom) is cut off.
 */
function cropRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const out = (shape: readonly Dim[] | null): void => ctx.setOutput(0, { dtype: input.dtype, shape });
  if (input.shape === null) return out(unknownShape(4));
  if (input.shape.length !== 4)
    throw new ShapeError(`Crop expects an [N, C, H, W] input, got rank ${input.shape.length}`);
  const [n = null, c = null, h = null, w = null] = input.shape;
  const scale = ctx.attrInts('scale');
  if (scale && scale.length > 0) {
    if (scale.length !== 2)
      throw new ShapeError(`Crop scale has ${scale.length} values, not (height, width)`);
    return out([n, c, scale[0] ?? null, scale[1] ?? null]);
  }
  const [left = 0, top = 0, right = 0, bottom = 0] = ctx.attrInts('border') ?? [];
  const cut = (d: Dim, by: number): Dim => {
    const rest = addDim(d, -by);
    if (typeof rest === 'number' && rest <= 0)
      throw new ShapeError(`Crop borders remove all of a dim of ${d}`);
    return rest;
  };
  out([n, c, cut(h, top + bottom), cut(w, left + right)]);
}

/**
 * ConstantFill: `dtype` (default float) filled to the `shape` attribute, or to the input's shape
 * (its values with `input_as_shape`), followed by `extra_shape`.
 */
function constantFillRule(ctx: InferContext): void {
  const dtype = ctx.attrInt('dtype', DataType.FLOAT);
  const extra = ctx.attrInts('extra_shape') ?? [];
  const input = ctx.input(0);
  if (!input) return ctx.setOutput(0, { dtype, shape: ctx.attrInts('shape') ?? [] });
  const lead = ctx.attrInt('input_as_shape', 0) ? inputEntries(ctx, 0) : input.shape;
  ctx.setOutput(0, { dtype, shape: lead ? [...lead, ...extra] : null });
}

export const experimentalRules: ShapeRules = {
  Scale: (ctx) => sameAsInput(ctx),
  Crop: cropRule,
  ConstantFill: constantFillRule,
};
