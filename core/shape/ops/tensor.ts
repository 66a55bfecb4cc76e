/**
 * Rules for operators that keep a tensor's elements and change only its type or the way its
 * shape is written: Cast, CastLike, Identity, Reshape, Flatten, Transpose, Squeeze, Unsqueeze.
 * Known values go through unchanged (or converted, for Cast) so shape arithmetic keeps folding.
 */
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import {
  ShapeError,
  type Dim,
  type InferContext,
  type Shape,
  type ShapeRules,
  type ValueInfo,
} from '../types.js';
import { divideDim, productDims } from './layout-dims.js';
import {
  attrOrInputInts,
  entriesOf,
  inputEntries,
  knownDims,
  type Entries,
  remapValue,
  stridesOf,
  tensorInfo,
  unknownShape,
  vectorLength,
} from './layout-values.js';

/** The same entries under new dims, when those dims are all known. */
function reshapedValue(info: ValueInfo, shape: Shape | null): Entries | undefined {
  const entries = entriesOf(info);
  const dims = knownDims(shape);
  return entries && dims && dims.reduce((n, d) => n * d, 1) === entries.data.length
    ? { dims, data: entries.data }
    : undefined;
}

/** Integer types wrap to their width; bool is 0/1; float32 rounds; others keep the JS number. */
function castNumber(x: number, to: number): number {
  const wrap = (bits: number, signed: boolean): number => {
    const t = Math.trunc(x);
    if (!Number.isFinite(t)) return 0;
    const m = 2 ** bits;
    const u = ((t % m) + m) % m;
    return signed && u >= m / 2 ? u - m : u;
  };
  switch (to) {
    case DataType.BOOL:
      return x !== 0 ? 1 : 0;
    case DataType.FLOAT:
      return Math.fround(x);
    case DataType.INT8:
      return wrap(8, true);
    case DataType.UINT8:
      return wrap(8, false);
    case DataType.INT16:
      return wrap(16, true);
    case DataType.UINT16:
      return wrap(16, false);
    case DataType.INT32:
      return wrap(32, true);
    case DataType.UINT32:
      return wrap(32, false);
    case DataType.INT64:
    case DataType.UINT64:
      return Math.trunc(x);
    default:
      return x;
  }
}

const INTEGER_TYPES = new Set<number>([
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT32,
  DataType.UINT32,
  DataType.INT64,
  DataType.UINT64,
]);

function castTo(ctx: InferContext, to: number): void {
  const input = ctx.requireInput(0);
  const entries = entriesOf(input);
  // Symbols stand for whole sizes: they survive a cast between integer types only.
  const keepsSymbols = INTEGER_TYPES.has(to) && INTEGER_TYPES.has(input.dtype);
  const value =
    entries && to !== DataType.STRING
      ? {
          dims: entries.dims,
          data: entries.data.map((x) =>
            typeof x === 'number' ? castNumber(x, to) : keepsSymbols ? x : null,
          ),
        }
      : undefined;
  ctx.setOutput(0, tensorInfo(to, input.shape, value));
}

/**
 * Cast's target type: an int (DataType) from opset 6, a DataType name such as "FLOAT" in
 * Cast-1 (opsets 1–5).
 */
function castTarget(ctx: InferContext): number {
  const named = ctx.attrString('to');
  if (named === undefined) return ctx.attrInt('to', 0);
  const name = named.toUpperCase();
  if (!Object.hasOwn(DataType, name)) throw new ShapeError(`Cast to unknown type "${named}"`);
  return DataType[name as keyof typeof DataType];
}

function identityRule(ctx: InferContext): void {
  ctx.setOutput(0, ctx.requireInput(0));
}

/**
 * Reshape's -1: the input's element count divided by the other target dims. Symbols that appear
 * on both sides cancel, so [N, 3, 4] → [N, -1] gives 12 and [N, 12] → [-1, 3] gives `4*N`.
 */
function inferredDim(input: Shape | null, others: readonly Dim[]): Dim {
  if (input === null) return null;
  const remaining: Dim[] = [...input];
  let divisor = 1;
  for (const d of others) {
    if (d === null) return null;
    if (typeof d === 'number') {
      divisor *= d;
      continue;
    }
    const at = remaining.indexOf(d);
    if (at < 0) return null;
    remaining.splice(at, 1);
  }
  if (remaining.some((d) => d === null)) return null;
  const known = remaining.reduce<number>((n, d) => (typeof d === 'number' ? n * d : n), 1);
  const symbols = remaining.filter((d): d is string => typeof d === 'string');
  if (divisor === 0) return null;
  if (known % divisor === 0) return productDims([known / divisor, ...symbols]);
  if (symbols.length === 0)
    throw new ShapeError(`cannot reshape ${known} elements into a multiple of ${divisor}`);
  return divideDim(productDims([known, ...symbols]), divisor);
}

function reshapeRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const target: readonly Dim[] | undefined = ctx.attrInts('shape') ?? inputEntries(ctx, 1);
  if (!target) {
    ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(vectorLength(ctx.input(1))) });
    return;
  }
  const allowZero = ctx.attrInt('allowzero', 0) === 1;
  if (target.filter((d) => d === -1).length > 1) throw new ShapeError('Reshape target has more than one -1');
  const dims: Dim[] = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (input.shape && i >= input.shape.length)
        throw new ShapeError(`Reshape copies dimension ${i} but the input has rank ${input.shape.length}`);
      return input.shape ? (input.shape[i] ?? null) : null;
    }
    if (typeof d === 'number' && d < -1) throw new ShapeError(`Reshape target has invalid dimension ${d}`);
    return d;
  });
  const free = target.indexOf(-1);
  if (free >= 0)
    dims[free] = inferredDim(
      input.shape,
      dims.filter((_, i) => i !== free),
    );
  const inDims = knownDims(input.shape);
  const outDims = knownDims(dims);
  if (inDims && outDims && inDims.reduce((n, d) => n * d, 1) !== outDims.reduce((n, d) => n * d, 1))
    throw new ShapeError(`cannot reshape [${inDims.join(', ')}] into [${outDims.join(', ')}]`);
  ctx.setOutput(0, tensorInfo(input.dtype, dims, reshapedValue(input, dims)));
}

function flattenRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  if (input.shape === null) {
    ctx.setOutput(0, { dtype: input.dtype, shape: [null, null] });
    return;
  }
  const rank = input.shape.length;
  const raw = ctx.attrInt('axis', 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis > rank) throw new ShapeError(`Flatten axis ${raw} is out of range for rank ${rank}`);
  const shape = [productDims(input.shape.slice(0, axis)), productDims(input.shape.slice(axis))];
  ctx.setOutput(0, tensorInfo(input.dtype, shape, reshapedValue(input, shape)));
}

function transposeRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const perm = ctx.attrInts('perm');
  const rank = input.shape?.length ?? perm?.length;
  if (input.shape === null || rank === undefined) {
    ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(rank) });
    return;
  }
  const order =
    perm && perm.length > 0
      ? perm.map((p) => normalizeAxis(p, rank, 'perm entry'))
      : [...input.shape.keys()].reverse();
  if (order.length !== rank || new Set(order).size !== rank)
    throw new ShapeError(`Transpose perm [${order.join(', ')}] is not a permutation of rank ${rank}`);
  const shape = order.map((p) => input.shape?.[p] ?? null);
  const outDims = knownDims(shape);
  const entries = entriesOf(input);
  let value: Entries | undefined;
  if (entries && outDims) {
    const strides = stridesOf(entries.dims);
    value = remapValue(
      outDims,
      (idx) => idx.reduce((sum, i, j) => sum + i * (strides[order[j] ?? 0] ?? 0), 0),
      entries.data,
    );
  }
  ctx.setOutput(0, tensorInfo(input.dtype, shape, value));
}

/** Rank after adding `delta` dims when Squeeze/Unsqueeze's axes input exists but its values are unknown. */
function rankWithUnknownAxes(ctx: InferContext, rank: number | undefined, sign: 1 | -1): number | undefined {
  const count = vectorLength(ctx.input(1));
  return rank === undefined || count === undefined ? undefined : rank + sign * count;
}

/** Squeeze: axes are an attribute before opset 13, an optional input from 13 on. */
function squeezeRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const axes = attrOrInputInts(ctx, 'axes', 1);
  if (input.shape === null) return ctx.setOutput(0, { dtype: input.dtype, shape: null });
  const rank = input.shape.length;
  if (!axes && ctx.input(1))
    return ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(rankWithUnknownAxes(ctx, rank, -1)) });
  let shape: Shape | null;
  if (!axes || axes.length === 0) {
    // Every dim of 1 goes. Symbols are taken as not 1; an unknown dim leaves the rank unknown.
    shape = input.shape.some((d) => d === null) ? null : input.shape.filter((d) => d !== 1);
  } else {
    const drop = new Set(axes.map((a) => normalizeAxis(a, rank, 'Squeeze axis')));
    for (const a of drop) {
      const d = input.shape[a];
      if (typeof d === 'number' && d !== 1) throw new ShapeError(`Squeeze axis ${a} has size ${d}, not 1`);
    }
    shape = input.shape.filter((_, i) => !drop.has(i));
  }
  ctx.setOutput(0, tensorInfo(input.dtype, shape, reshapedValue(input, shape)));
}

function unsqueezeRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const axes = attrOrInputInts(ctx, 'axes', 1);
  if (!axes || input.shape === null) {
    const rank = axes && input.shape === null ? undefined : rankWithUnknownAxes(ctx, input.shape?.length, 1);
    return ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(rank) });
  }
  const outRank = input.shape.length + axes.length;
  const ones = new Set(axes.map((a) => normalizeAxis(a, outRank, 'Unsqueeze axis')));
  if (ones.size !== axes.length) throw new ShapeError(`Unsqueeze axes [${axes.join(', ')}] repeat an axis`);
  const shape: Dim[] = [];
  let next = 0;
  for (let i = 0; i < outRank; i++) shape.push(ones.has(i) ? 1 : (input.shape[next++] ?? null));
  ctx.setOutput(0, tensorInfo(input.dtype, shape, reshapedValue(input, shape)));
}

export const tensorRules: ShapeRules = {
  Cast: (ctx) => castTo(ctx, castTarget(ctx)),
  CastLike: (ctx) => castTo(ctx, ctx.requireInput(1).dtype),
  Identity: identityRule,
  Reshape: reshapeRule,
  Flatten: flattenRule,
  Transpose: transposeRule,
  Squeeze: squeezeRule,
  Unsqueeze: unsqueezeRule,
};
