/**
 * Pooling: MaxPool (with Indices), AveragePool, LpPool, the global pools, MaxRoiPool, RoiAlign
 * and MaxUnpool. X is [N, C, D1…Dn].
 */
import { DataType } from '../../onnx/dtype.js';
import { ShapeError, type Dim, type InferContext, type ShapeRule, type ShapeRules } from '../types.js';
import { boundedRank } from '../limits.js';
import { transposedWindowDim } from './compute-dims.js';
import { readWindow, windowedDims } from './windows.js';

/**
 * MaxPool, AveragePool, LpPool: `[N, C, O…]` with the sliding-window length per axis
 * (ceil_mode rounds up). MaxPool's optional Indices output is int64 of the same shape.
 */
const poolRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  let shape: Dim[] | null = null;
  if (x.shape) {
    if (x.shape.length < 3)
      throw new ShapeError(`${ctx.node.opType} needs an input of rank ≥ 3, got ${x.shape.length}`);
    const window = readWindow(ctx, x.shape.length - 2);
    const ceilMode = ctx.attrInt('ceil_mode', 0) !== 0;
    shape = [x.shape[0] ?? null, x.shape[1] ?? null, ...windowedDims(x.shape.slice(2), window, ceilMode)];
  }
  ctx.setOutput(0, { dtype: x.dtype, shape });
  ctx.setOutput(1, { dtype: DataType.INT64, shape });
};

/** Global pools keep N and C and reduce every spatial axis to 1. */
const globalPoolRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const shape = x.shape && [x.shape[0] ?? null, x.shape[1] ?? null, ...x.shape.slice(2).map(() => 1)];
  ctx.setOutput(0, { dtype: x.dtype, shape });
};

/** Number of regions: the first dim of the rois input (slot 1). */
function roiCount(ctx: InferContext): Dim {
  return ctx.requireInput(1).shape?.[0] ?? null;
}

/** MaxRoiPool: `[num_rois, C, pooled_h, pooled_w]`. */
const maxRoiPoolRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const pooled = ctx.attrInts('pooled_shape');
  if (!pooled || pooled.length !== 2) throw new ShapeError('MaxRoiPool needs a pooled_shape of 2 entries');
  ctx.setOutput(0, { dtype: x.dtype, shape: [roiCount(ctx), x.shape?.[1] ?? null, ...pooled] });
};

/** RoiAlign: `[num_rois, C, output_height, output_width]` (both default 1). */
const roiAlignRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const height = ctx.attrInt('output_height', 1);
  const width = ctx.attrInt('output_width', 1);
  ctx.setOutput(0, { dtype: x.dtype, shape: [roiCount(ctx), x.shape?.[1] ?? null, height, width] });
};

/**
 * MaxUnpool: the `output_shape` input (slot 2) when its values are known, else per axis
 * `(D − 1) × stride + kernel − padBegin − padEnd`.
 */
const maxUnpoolRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const outputShape = ctx.input(2);
  if (outputShape) {
    const values = outputShape.value?.data;
    const length = outputShape.shape?.[0];
    const shape = values
      ? [...values]
      : typeof length === 'number'
        ? new Array<Dim>(boundedRank(length, (k) => `has an output_shape input of ${k} entries`) ?? 0).fill(
            null,
          )
        : null;
    ctx.setOutput(0, { dtype: x.dtype, shape });
    return;
  }
  if (!x.shape) {
    ctx.setOutput(0, { dtype: x.dtype, shape: null });
    return;
  }
  const spatial = x.shape.length - 2;
  const window = readWindow(ctx, spatial);
  const dims = x.shape.slice(2).map((d, i) => {
    const kernel = window.kernel[i];
    if (kernel === null || kernel === undefined) return null;
    return transposedWindowDim(
      d,
      kernel,
      window.strides[i] ?? 1,
      window.pads[i] ?? 0,
      window.pads[i + spatial] ?? 0,
      1,
      0,
    );
  });
  ctx.setOutput(0, { dtype: x.dtype, shape: [x.shape[0] ?? null, x.shape[1] ?? null, ...dims] });
};

export const poolRules: ShapeRules = {
  MaxPool: poolRule,
  AveragePool: poolRule,
  LpPool: poolRule,
  GlobalAveragePool: globalPoolRule,
  GlobalMaxPool: globalPoolRule,
  GlobalLpPool: globalPoolRule,
  MaxRoiPool: maxRoiPoolRule,
  RoiAlign: roiAlignRule,
  MaxUnpool: maxUnpoolRule,
};
