/**
 * Known-value helpers for the layout rules: reading small integer inputs (shapes, axes, sizes)
 * and building folded outputs. Values are row-major JS numbers, as in `KnownValue`.
 *
 * Shape arithmetic on symbolic dims: when Shape reads a tensor whose dims include symbols, its
 * output has no `value` (values are numbers) but carries the dims as `symbolicValue` entries
 * ({dims, data} with data holding Dims). Gather, Slice, Concat, Unsqueeze, Squeeze, Reshape,
 * Cast and the like move these entries exactly as they move values, and Reshape, Expand,
 * ConstantOfShape, Tile and Range read them, so the PyTorch `x.view(x.size(0), -1)` pattern keeps
 * a symbolic batch. The driver keeps the extra field (it passes infos through or spreads them).
 */
import { DataType } from '../../onnx/dtype.js';
import { boundedRank } from '../limits.js';
import {
  MAX_KNOWN_ELEMENTS,
  type Dim,
  type InferContext,
  type KnownValue,
  type Shape,
  type ValueInfo,
} from '../types.js';

/** Entries of a small integer tensor, row-major: numbers where known, symbols where a Shape put them. */
export interface Entries {
  readonly dims: readonly number[];
  readonly data: readonly Dim[];
}

/** A ValueInfo whose entries include symbols (see the module comment). */
export interface SymbolicInfo extends ValueInfo {
  readonly symbolicValue?: Entries;
}

/** The entries of a tensor: its known value, or its symbolic entries. */
export function entriesOf(info: ValueInfo | undefined): Entries | undefined {
  return info?.value ?? (info as SymbolicInfo | undefined)?.symbolicValue;
}

/** Entries of input `i` when known or symbolic. */
export function inputEntries(ctx: InferContext, i: number): readonly Dim[] | undefined {
  return entriesOf(ctx.input(i))?.data;
}

function isKnownValue(entries: Entries): entries is KnownValue {
  return entries.data.every((d) => typeof d === 'number');
}

/**
 * An output description with its entries attached when small enough to track: as `value` when
 * they are all numbers, as `symbolicValue` when some are symbols, dropped when any is unknown.
 */
export function tensorInfo(dtype: number, shape: Shape | null, value?: Entries): ValueInfo {
  if (!value || value.data.length > MAX_KNOWN_ELEMENTS) return { dtype, shape };
  if (isKnownValue(value)) return { dtype, shape, value };
  if (value.data.some((d) => d === null)) return { dtype, shape };
  const info: SymbolicInfo = { dtype, shape, symbolicValue: value };
  return info;
}

/** The described tensor as `{dtype, shape=dims, value}` from plain dims and data. */
export function knownTensor(dtype: number, dims: readonly number[], data: readonly number[]): ValueInfo {
  return tensorInfo(dtype, dims, { dims, data });
}

/** A scalar int64 output with a known value. */
export function int64Scalar(n: number): ValueInfo {
  return knownTensor(DataType.INT64, [], [n]);
}

/** Values of input `i` when known. */
export function inputValues(ctx: InferContext, i: number): readonly number[] | undefined {
  return ctx.input(i)?.value?.data;
}

/** The single value of a scalar (or one-element) input when known. */
export function inputScalar(ctx: InferContext, i: number): number | undefined {
  const data = inputValues(ctx, i);
  return data?.length === 1 ? data[0] : undefined;
}

/**
 * Element count of a 1-D input (a shape, axes or pads list) even when its values are unknown:
 * the output rank of Reshape/Expand/ConstantOfShape follows from it.
 */
export function vectorLength(info: ValueInfo | undefined): number | undefined {
  if (info?.value) return info.value.data.length;
  const shape = info?.shape;
  if (!shape) return undefined;
  if (shape.length === 0) return 1;
  const n = shape[0];
  // The length becomes a rank: a declared [2147483647] must not become an array of that length.
  return shape.length === 1 && typeof n === 'number'
    ? boundedRank(n, (k) => `has a shape, axes or repeats input of ${k} entries`)
    : undefined;
}

/** An attribute list (pre-opset-13 form) or, later, the values of an input slot. */
export function attrOrInputInts(
  ctx: InferContext,
  attr: string,
  inputIndex: number,
): readonly number[] | undefined {
  const fromAttr = ctx.attrInts(attr);
  if (fromAttr !== undefined) return fromAttr;
  return inputValues(ctx, inputIndex);
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) strides[i] = (strides[i + 1] ?? 1) * (dims[i + 1] ?? 1);
  return strides;
}

/**
 * Builds a value of shape `outDims` whose element at each multi-index is read from `source` at the
 * flat position `sourceIndex(index)`; undefined when the result is too large to track.
 * Used for Transpose, Slice, Gather, Tile, Expand and Concat on known values.
 */
export function remapValue(
  outDims: readonly number[],
  sourceIndex: (index: readonly number[]) => number,
  source: readonly Dim[],
): Entries | undefined {
  const count = outDims.reduce((n, d) => n * d, 1);
  if (count > MAX_KNOWN_ELEMENTS) return undefined;
  const data = new Array<Dim>(count);
  const index = new Array<number>(outDims.length).fill(0);
  for (let flat = 0; flat < count; flat++) {
    data[flat] = source[sourceIndex(index)] ?? null;
    for (let axis = outDims.length - 1; axis >= 0; axis--) {
      const next = (index[axis] ?? 0) + 1;
      if (next < (outDims[axis] ?? 1)) {
        index[axis] = next;
        break;
      }
      index[axis] = 0;
    }
  }
  return { dims: outDims, data };
}

/** Dims of a shape when they are all known numbers, else undefined. */
export function knownDims(shape: Shape | null | undefined): readonly number[] | undefined {
  if (!shape) return undefined;
  return shape.every((d): d is number => typeof d === 'number') ? shape : undefined;
}

/** A shape of `rank` unknown dims, or null when the rank is unknown too. */
export function unknownShape(rank: number | undefined): Shape | null {
  return rank === undefined ? null : new Array<Dim>(boundedRank(rank) ?? 0).fill(null);
}
