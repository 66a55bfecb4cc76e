/**
 * Rules for operators whose output size depends on the data: NonZero, Compress, TopK, Unique,
 * NonMaxSuppression and ImageDecoder. A data-dependent count is exact when the deciding input's
 * values are known, and a fresh symbol otherwise.
 */
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules } from '../types.js';
import { productDims } from './layout-dims.js';
import { inputScalar, knownTensor, stridesOf } from './layout-values.js';

/** NonZero: [rank, count] int64 coordinates of the non-zero elements. */
function nonZeroRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const rank: Dim = input.shape ? input.shape.length : null;
  const value = input.value;
  if (!value) return ctx.setOutput(0, { dtype: DataType.INT64, shape: [rank, ctx.freshSymbol('nonzero')] });
  const strides = stridesOf(value.dims);
  const hits = value.data.flatMap((v, flat) => (v !== 0 ? [flat] : []));
  // Row k lists coordinate k of every hit, in row-major order of the hits.
  const data = value.dims.flatMap((d, k) => hits.map((flat) => Math.floor(flat / (strides[k] ?? 1)) % d));
  ctx.setOutput(0, knownTensor(DataType.INT64, [value.dims.length, hits.length], data));
}

/** Compress: the selected slices along `axis`, or the selected elements of the flattened input. */
function compressRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const condition = ctx.requireInput(1).value?.data;
  const axisAttr = ctx.attrInt('axis');
  const rank = input.shape?.length;
  const axis =
    axisAttr === undefined || rank === undefined ? undefined : normalizeAxis(axisAttr, rank, 'Compress axis');
  const limit = axis === undefined ? undefined : input.shape?.[axis];
  const taken = typeof limit === 'number' ? condition?.slice(0, limit) : condition;
  const count: Dim = taken ? taken.filter((c) => c !== 0).length : ctx.freshSymbol('compress');
  if (axisAttr === undefined) return ctx.setOutput(0, { dtype: input.dtype, shape: [count] });
  if (input.shape === null || axis === undefined)
    return ctx.setOutput(0, { dtype: input.dtype, shape: null });
  ctx.setOutput(0, { dtype: input.dtype, shape: input.shape.map((d, i) => (i === axis ? count : d)) });
}

/** TopK: the axis (default last) shrinks to k, from the attribute before opset 10 and the input after. */
function topKRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const kAttr = ctx.attrInt('k');
  const k = kAttr ?? inputScalar(ctx, 1);
  if (input.shape === null) {
    ctx.setOutput(0, { dtype: input.dtype, shape: null });
    ctx.setOutput(1, { dtype: DataType.INT64, shape: null });
    return;
  }
  const axis = normalizeAxis(ctx.attrInt('axis', -1), input.shape.length, 'TopK axis');
  const d = input.shape[axis];
  if (k !== undefined && (k < 0 || (typeof d === 'number' && k > d)))
    throw new ShapeError(`TopK k=${k} does not fit an axis of size ${String(d)}`);
  const kDim: Dim = k ?? ctx.freshSymbol('topk');
  const shape = input.shape.map((dim, i) => (i === axis ? kDim : dim));
  ctx.setOutput(0, { dtype: input.dtype, shape });
  ctx.setOutput(1, { dtype: DataType.INT64, shape });
}

/** Number of distinct elements, or of distinct slices along `axis`, of a known value. */
function distinctCount(dims: readonly number[], data: readonly number[], axis: number | undefined): number {
  if (axis === undefined) return new Set(data).size;
  const strides = stridesOf(dims);
  const slices = new Set<string>();
  const d = dims[axis] ?? 0;
  const outer = dims.slice(0, axis).reduce((n, x) => n * x, 1);
  const inner = strides[axis] ?? 1;
  for (let i = 0; i < d; i++) {
    const parts: number[] = [];
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) parts.push(data[o * d * inner + i * inner + j] ?? 0);
    slices.add(parts.join(','));
  }
  return slices.size;
}

/** Unique: Y, indices, inverse_indices and counts; U distinct elements (or slices along axis). */
function uniqueRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const axisAttr = ctx.attrInt('axis');
  const rank = input.shape?.length;
  const axis =
    axisAttr === undefined || rank === undefined ? undefined : normalizeAxis(axisAttr, rank, 'Unique axis');
  const value = input.value;
  const unique: Dim = value ? distinctCount(value.dims, value.data, axis) : ctx.freshSymbol('unique');
  const int64 = (shape: readonly Dim[] | null): { dtype: number; shape: readonly Dim[] | null } => ({
    dtype: DataType.INT64,
    shape,
  });
  if (axisAttr === undefined) {
    const count = input.shape ? productDims(input.shape) : null;
    ctx.setOutput(0, { dtype: input.dtype, shape: [unique] });
    ctx.setOutput(2, int64([count]));
  } else {
    const shape =
      input.shape && axis !== undefined ? input.shape.map((d, i) => (i === axis ? unique : d)) : null;
    ctx.setOutput(0, { dtype: input.dtype, shape });
    ctx.setOutput(2, int64([axis !== undefined ? (input.shape?.[axis] ?? null) : null]));
  }
  ctx.setOutput(1, int64([unique]));
  ctx.setOutput(3, int64([unique]));
}

/** NonMaxSuppression: [selected, 3] rows of (batch, class, box); the count depends on the scores. */
function nonMaxSuppressionRule(ctx: InferContext): void {
  ctx.setOutput(0, { dtype: DataType.INT64, shape: [ctx.freshSymbol('selected_boxes'), 3] });
}

/** ImageDecoder: uint8 [H, W, C] with H and W from the encoded image; C is 1 for Grayscale, else 3. */
function imageDecoderRule(ctx: InferContext): void {
  const channels = ctx.attrString('pixel_format', 'RGB') === 'Grayscale' ? 1 : 3;
  ctx.setOutput(0, {
    dtype: DataType.UINT8,
    shape: [ctx.freshSymbol('height'), ctx.freshSymbol('width'), channels],
  });
}

export const selectRules: ShapeRules = {
  NonZero: nonZeroRule,
  Compress: compressRule,
  TopK: topKRule,
  Unique: uniqueRule,
  NonMaxSuppression: nonMaxSuppressionRule,
  ImageDecoder: imageDecoderRule,
};
