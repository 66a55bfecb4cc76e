/**
 * Constant folding for the compute rules: element-wise evaluation of small known tensors with
 * NumPy broadcasting, and the rounding each ONNX element type imposes on a result.
 */
import { DataType } from '../../onnx/dtype.js';
import { MAX_KNOWN_ELEMENTS, type KnownValue, type Shape, type ValueInfo } from '../types.js';

const INTEGER_TYPES = new Set<number>([
  DataType.UINT8,
  DataType.INT8,
  DataType.UINT16,
  DataType.INT16,
  DataType.INT32,
  DataType.INT64,
  DataType.UINT32,
  DataType.UINT64,
  DataType.UINT4,
  DataType.INT4,
]);

/** Whether `dtype` is an integer element type (bool excluded). */
export function isIntegerDtype(dtype: number): boolean {
  return INTEGER_TYPES.has(dtype);
}

function wrapBits(x: number, bits: number, signed: boolean): number {
  const span = 2 ** bits;
  let r = ((Math.trunc(x) % span) + span) % span;
  if (signed && r >= span / 2) r -= span;
  return r;
}

/**
 * Rounds a computed value to what an element of `dtype` holds: fixed-width integers truncate and
 * wrap (two's complement), float32 rounds to single precision, bool becomes 0 or 1. 64-bit
 * integers only truncate: shape arithmetic stays far below 2^53.
 */
export function toDtype(x: number, dtype: number): number {
  switch (dtype) {
    case DataType.BOOL:
      return x !== 0 && !Number.isNaN(x) ? 1 : 0;
    case DataType.FLOAT:
      return Math.fround(x);
    case DataType.INT64:
    case DataType.UINT64:
      return Math.trunc(x) + 0; // + 0 turns -0 into 0
    case DataType.INT32:
      return x | 0;
    case DataType.UINT32:
      return x >>> 0;
    case DataType.INT16:
      return wrapBits(x, 16, true);
    case DataType.UINT16:
      return wrapBits(x, 16, false);
    case DataType.INT8:
      return wrapBits(x, 8, true);
    case DataType.UINT8:
      return wrapBits(x, 8, false);
    case DataType.INT4:
      return wrapBits(x, 4, true);
    case DataType.UINT4:
      return wrapBits(x, 4, false);
    default:
      return x;
  }
}

/** NumPy broadcast of known dims; undefined when they do not broadcast. */
function broadcastDims(dims: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...dims.map((d) => d.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let size = 1;
    for (const d of dims) {
      const n = d[d.length - rank + i] ?? 1;
      if (n === 1) continue;
      if (size !== 1 && size !== n) return undefined;
      size = n;
    }
    out.push(size);
  }
  return out;
}

/** Row-major element strides of `dims`, with 0 for broadcast (size-1 or missing) axes of `outDims`. */
function broadcastStrides(dims: readonly number[], outDims: readonly number[]): number[] {
  const strides = new Array<number>(outDims.length).fill(0);
  let step = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    const n = dims[k] ?? 1;
    if (n !== 1) strides[outDims.length - dims.length + k] = step;
    step *= n;
  }
  return strides;
}

/** Flat position, under `strides`, of the element at row-major position `flat` of `dims`. */
function stridedOffset(flat: number, dims: readonly number[], strides: readonly number[]): number {
  let offset = 0;
  let rest = flat;
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    const size = dims[axis] ?? 1;
    offset += (rest % size) * (strides[axis] ?? 0);
    rest = Math.floor(rest / size);
  }
  return offset;
}

/** A small row-major tensor of any entry type (numbers, or dims for symbolic shape arithmetic). */
export interface TensorEntries<T> {
  readonly dims: readonly number[];
  readonly data: readonly T[];
}

/**
 * Evaluates `op` element by element over broadcast inputs; undefined when the result is larger
 * than MAX_KNOWN_ELEMENTS, the inputs do not broadcast, or `op` gives up on an element (an
 * integer division by zero, a symbol it cannot combine).
 */
export function foldBroadcast<T>(
  inputs: readonly TensorEntries<T>[],
  op: (args: readonly T[]) => T | undefined,
): { dims: number[]; data: T[] } | undefined {
  const outDims = broadcastDims(inputs.map((v) => v.dims));
  if (!outDims) return undefined;
  const count = outDims.reduce((n, d) => n * d, 1);
  if (count > MAX_KNOWN_ELEMENTS) return undefined;
  const strides = inputs.map((v) => broadcastStrides(v.dims, outDims));
  const data: T[] = [];
  for (let flat = 0; flat < count; flat++) {
    const args: T[] = [];
    for (const [j, v] of inputs.entries()) {
      const x = v.data[stridedOffset(flat, outDims, strides[j] ?? [])];
      if (x === undefined) return undefined;
      args.push(x);
    }
    const result = op(args);
    if (result === undefined) return undefined;
    data.push(result);
  }
  return { dims: outDims, data };
}

/** Applies `op` to each element; undefined when `op` gives up on one. */
export function foldMap(value: KnownValue, op: (x: number) => number | undefined): KnownValue | undefined {
  const data: number[] = [];
  for (const x of value.data) {
    const r = op(x);
    if (r === undefined) return undefined;
    data.push(r);
  }
  return { dims: value.dims, data };
}

/**
 * Reduces a known tensor over `axes` (non-negative) with `combine`, starting from the first
 * element of each group, then applies `finish(acc, groupSize)`. Reduced axes stay as 1 with
 * `keepDims`, else disappear.
 */
export function foldReduce(
  value: KnownValue,
  axes: readonly number[],
  keepDims: boolean,
  combine: (acc: number, x: number) => number,
  finish: (acc: number, count: number) => number = (acc) => acc,
): KnownValue | undefined {
  const dims = value.dims;
  const reduced = new Set(axes);
  const outDims = dims.map((d, i) => (reduced.has(i) ? 1 : d));
  const outCount = outDims.reduce((n, d) => n * d, 1);
  const groupSize = dims.reduce((n, d, i) => (reduced.has(i) ? n * d : n), 1);
  if (groupSize === 0) return undefined;
  const acc = new Array<number | undefined>(outCount).fill(undefined);
  // Strides of the output with 0 on reduced axes: every element of a group lands on one slot.
  const outStrides = broadcastStrides(outDims, dims);
  value.data.forEach((x, flat) => {
    const target = stridedOffset(flat, dims, outStrides);
    const prev = acc[target];
    acc[target] = prev === undefined ? x : combine(prev, x);
  });
  const data = acc.map((a) => finish(a ?? 0, groupSize));
  const keptDims = keepDims ? outDims : dims.filter((_, i) => !reduced.has(i));
  return { dims: keptDims, data };
}

/** A ValueInfo that carries `value` only when one is known (its dims then are the shape). */
export function infoWithValue(dtype: number, shape: Shape | null, value: KnownValue | undefined): ValueInfo {
  return value && value.data.length <= MAX_KNOWN_ELEMENTS
    ? { dtype, shape: value.dims, value }
    : { dtype, shape };
}
