/**
 * Rules for operators that make tensors from attributes or from shapes: Constant,
 * ConstantOfShape, Range, EyeLike, Shape and Size. They are the sources of the known values
 * that the layout rules fold (Shape → Gather → Concat → Reshape).
 */
import type { TensorProto } from '../../onnx/codec.js';
import { DataType } from '../../onnx/dtype.js';
import {
  MAX_KNOWN_ELEMENTS,
  ShapeError,
  type InferContext,
  type KnownValue,
  type ShapeRules,
} from '../types.js';
import { addDim, productDims } from './layout-dims.js';
import {
  inputEntries,
  knownDims,
  knownTensor,
  tensorInfo,
  unknownShape,
  vectorLength,
} from './layout-values.js';

/** A dense value from a SparseTensorProto: indices are [NNZ] linear or [NNZ, rank] coordinates. */
function sparseValue(
  ctx: InferContext,
  dims: readonly number[],
  values: TensorProto,
  indices: TensorProto,
): KnownValue | undefined {
  const count = dims.reduce((n, d) => n * d, 1);
  const nonZero = ctx.tensorValue(values);
  const where = ctx.tensorValue(indices);
  if (!nonZero || !where || count > MAX_KNOWN_ELEMENTS) return undefined;
  const data = new Array<number>(count).fill(0);
  const coordinates = where.dims.length === 2;
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((n, d) => n * d, 1));
  nonZero.data.forEach((v, k) => {
    const flat = coordinates
      ? strides.reduce((sum, s, axis) => sum + s * (where.data[k * dims.length + axis] ?? 0), 0)
      : (where.data[k] ?? 0);
    data[flat] = v;
  });
  return { dims, data };
}

function constantRule(ctx: InferContext): void {
  const tensor = ctx.attrTensor('value');
  if (tensor) {
    const dims = (tensor.dims ?? []).map(Number);
    ctx.setOutput(0, tensorInfo(tensor.dataType ?? 0, dims, ctx.tensorValue(tensor)));
    return;
  }
  const sparse = ctx.attr('sparse_value')?.sparseTensor;
  if (sparse) {
    const dims = (sparse.dims ?? []).map(Number);
    const value =
      sparse.values && sparse.indices ? sparseValue(ctx, dims, sparse.values, sparse.indices) : undefined;
    ctx.setOutput(0, tensorInfo(sparse.values?.dataType ?? 0, dims, value));
    return;
  }
  if (ctx.attr('value_float'))
    return ctx.setOutput(0, knownTensor(DataType.FLOAT, [], [ctx.attrFloat('value_float', 0)]));
  if (ctx.attr('value_int'))
    return ctx.setOutput(0, knownTensor(DataType.INT64, [], [ctx.attrInt('value_int', 0)]));
  const floats = ctx.attrFloats('value_floats');
  if (ctx.attr('value_floats') && floats)
    return ctx.setOutput(0, knownTensor(DataType.FLOAT, [floats.length], floats));
  const ints = ctx.attrInts('value_ints');
  if (ctx.attr('value_ints') && ints)
    return ctx.setOutput(0, knownTensor(DataType.INT64, [ints.length], ints));
  if (ctx.attr('value_string')) return ctx.setOutput(0, { dtype: DataType.STRING, shape: [] });
  const strings = ctx.attr('value_strings')?.strings;
  if (strings) return ctx.setOutput(0, { dtype: DataType.STRING, shape: [strings.length] });
  throw new ShapeError('Constant has none of value, sparse_value or value_* attributes');
}

/** Shape (opset 15 adds start/end, clamped to [0, rank] after adding rank to negatives). */
function shapeRule(ctx: InferContext): void {
  const shape = ctx.requireInput(0).shape;
  if (shape === null) {
    ctx.setOutput(0, { dtype: DataType.INT64, shape: [null] });
    return;
  }
  const rank = shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(ctx.attrInt('start', 0));
  const end = clamp(ctx.attrInt('end', rank));
  const dims = shape.slice(start, Math.max(start, end));
  // Symbolic dims become symbolic entries (see layout-values.ts); unknown dims leave no entries.
  ctx.setOutput(0, tensorInfo(DataType.INT64, [dims.length], { dims: [dims.length], data: dims }));
}

/** Size: the element count, symbolic (`N*3`) when the dims are. */
function sizeRule(ctx: InferContext): void {
  const shape = ctx.requireInput(0).shape;
  const count = shape === null ? null : productDims(shape);
  ctx.setOutput(0, tensorInfo(DataType.INT64, [], { dims: [], data: [count] }));
}

/** ConstantOfShape: the shape comes from input 0's values; dtype and fill from the `value` tensor. */
function constantOfShapeRule(ctx: InferContext): void {
  const fill = ctx.attrTensor('value');
  const dtype = fill?.dataType ?? DataType.FLOAT;
  const entries = inputEntries(ctx, 0);
  if (!entries) {
    ctx.setOutput(0, { dtype, shape: unknownShape(vectorLength(ctx.input(0))) });
    return;
  }
  if (entries.some((d) => typeof d === 'number' && d < 0))
    throw new ShapeError(`ConstantOfShape got a negative dimension in [${entries.join(', ')}]`);
  const dims = knownDims(entries);
  if (!dims) return ctx.setOutput(0, { dtype, shape: entries });
  const v = (fill ? ctx.tensorValue(fill)?.data[0] : undefined) ?? 0;
  const count = dims.reduce((n, d) => n * d, 1);
  ctx.setOutput(
    0,
    count <= MAX_KNOWN_ELEMENTS
      ? knownTensor(dtype, dims, new Array<number>(count).fill(v))
      : { dtype, shape: dims },
  );
}

/**
 * Range: length = max(ceil((limit - start) / delta), 0); a symbolic limit with unit step gives
 * `limit - start` (torch.arange(seq_len) keeps `seq_len`).
 */
function rangeRule(ctx: InferContext): void {
  const dtype = ctx.requireInput(0).dtype;
  const [start, limit, delta] = [0, 1, 2].map((i) => {
    const entries = inputEntries(ctx, i);
    return entries?.length === 1 ? entries[0] : undefined;
  });
  if (typeof start === 'number' && typeof limit === 'string' && delta === 1)
    return ctx.setOutput(0, { dtype, shape: [addDim(limit, -start)] });
  // A KV-cache decoder's positions: Range(past, past + sequence) has `sequence` entries. Only
  // a limit written as `start + rest` is simplified (a sum of symbols is how Add builds it).
  if (
    typeof start === 'string' &&
    typeof limit === 'string' &&
    delta === 1 &&
    limit.startsWith(`${start}+`)
  ) {
    const rest = limit.slice(start.length + 1);
    return ctx.setOutput(0, { dtype, shape: [/^\d+$/.test(rest) ? Number(rest) : rest] });
  }
  if (typeof start !== 'number' || typeof limit !== 'number' || typeof delta !== 'number') {
    ctx.setOutput(0, { dtype, shape: [ctx.freshSymbol('range')] });
    return;
  }
  if (delta === 0) throw new ShapeError('Range delta is 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  if (!Number.isSafeInteger(n))
    throw new ShapeError(`Range of ${start} to ${limit} by ${delta} has no finite length`);
  const data = n <= MAX_KNOWN_ELEMENTS ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
  ctx.setOutput(0, data ? knownTensor(dtype, [n], data) : { dtype, shape: [n] });
}

function eyeLikeRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  if (input.shape && input.shape.length !== 2)
    throw new ShapeError(`EyeLike needs a 2-D input, got rank ${input.shape.length}`);
  ctx.setOutput(0, { dtype: ctx.attrInt('dtype', input.dtype), shape: input.shape ?? [null, null] });
}

export const constantRules: ShapeRules = {
  Constant: constantRule,
  Shape: shapeRule,
  Size: sizeRule,
  ConstantOfShape: constantOfShapeRule,
  Range: rangeRule,
  EyeLike: eyeLikeRule,
};
