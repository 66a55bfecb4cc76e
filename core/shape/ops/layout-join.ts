/**
 * Rules for operators that join, split or repeat tensors: Concat, Split, Expand, Tile.
 * Known (and symbolic) entries are joined, split and repeated too: Concat of shape pieces feeds
 * Reshape.
 */
import { broadcastShapes, normalizeAxis } from '../dims.js';
import { boundedPieces } from '../limits.js';
import { ShapeError, type Dim, type InferContext, type Shape, type ShapeRules } from '../types.js';
import { divideDim, productDims, sumDims } from './layout-dims.js';
import {
  attrOrInputInts,
  entriesOf,
  inputEntries,
  inputValues,
  knownDims,
  type Entries,
  remapValue,
  stridesOf,
  tensorInfo,
  unknownShape,
  vectorLength,
} from './layout-values.js';

/** Two dims that must agree (Concat's non-axis dims): a known size wins over a symbol. */
function agreeingDim(a: Dim, b: Dim, where: string): Dim {
  if (typeof a === 'number' && typeof b === 'number' && a !== b)
    throw new ShapeError(`${where}: sizes ${a} and ${b} differ`);
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a ?? b;
}

/** Concatenates known values along `axis` (row-major: per outer index, each input's block in turn). */
function concatValues(values: readonly Entries[], axis: number, outDims: readonly number[]): Entries {
  const outer = outDims.slice(0, axis).reduce((n, d) => n * d, 1);
  const data: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const v of values) {
      const block = v.dims.slice(axis).reduce((n, d) => n * d, 1);
      for (let k = 0; k < block; k++) data.push(v.data[o * block + k] ?? null);
    }
  }
  return { dims: outDims, data };
}

function concatRule(ctx: InferContext): void {
  const inputs = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i)).filter(
    (x) => x !== undefined,
  );
  const first = inputs[0];
  if (!first) throw new ShapeError('Concat has no inputs');
  const known = inputs.map((x) => x.shape).filter((s): s is Shape => s !== null);
  const rank = known[0]?.length;
  if (rank === undefined) return ctx.setOutput(0, { dtype: first.dtype, shape: null });
  if (known.some((s) => s.length !== rank)) throw new ShapeError('Concat inputs have different ranks');
  // Concat-1 made `axis` optional with a default of 1 (channels); from opset 4 it is required.
  const axis = normalizeAxis(ctx.attrInt('axis', ctx.opset < 4 ? 1 : 0), rank, 'Concat axis');
  const shape: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    if (i === axis) {
      const parts = inputs.map((x) => (x.shape ? (x.shape[i] ?? null) : null));
      shape.push(parts.reduce<Dim>((sum, d) => sumDims(sum, d), 0));
    } else {
      shape.push(
        known.reduce<Dim>((dim, s) => agreeingDim(dim, s[i] ?? null, `Concat dimension ${i}`), null),
      );
    }
  }
  const values = inputs.map(entriesOf);
  const outDims = knownDims(shape);
  const value =
    outDims && values.every((v): v is Entries => v !== undefined)
      ? concatValues(values, axis, outDims)
      : undefined;
  ctx.setOutput(0, tensorInfo(first.dtype, shape, value));
}

/**
 * Sizes of Split's pieces: given (an attribute before opset 13, an input after), or equal parts
 * with a smaller last one.
 */
function splitSizes(ctx: InferContext, dim: Dim, pieces: number): Dim[] {
  const given = attrOrInputInts(ctx, 'split', 1);
  if (given) {
    if (given.length !== pieces)
      throw new ShapeError(`Split has ${given.length} sizes for ${pieces} outputs`);
    const total = given.reduce((n, d) => n + d, 0);
    if (typeof dim === 'number' && total !== dim)
      throw new ShapeError(`Split sizes sum to ${total}, not the axis size ${dim}`);
    return [...given];
  }
  if (ctx.input(1)) return new Array<Dim>(pieces).fill(null);
  if (typeof dim !== 'number') return new Array<Dim>(pieces).fill(divideDim(dim, pieces));
  // Opset 18 allows an uneven split: every piece is ceil(dim / n) but the last takes what is left.
  const chunk = Math.ceil(dim / pieces);
  return Array.from({ length: pieces }, (_, i) => (i < pieces - 1 ? chunk : dim - chunk * (pieces - 1)));
}

function splitRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const pieces = boundedPieces(
    ctx.attrInt('num_outputs', ctx.outputCount),
    (n) => `splits its input into ${n} pieces`,
  );
  if (input.shape === null) {
    for (let i = 0; i < pieces; i++) ctx.setOutput(i, { dtype: input.dtype, shape: null });
    return;
  }
  const inShape = input.shape;
  const axis = normalizeAxis(ctx.attrInt('axis', 0), inShape.length, 'Split axis');
  const sizes = splitSizes(ctx, inShape[axis] ?? null, pieces);
  const entries = entriesOf(input);
  let offset: number | null = 0;
  sizes.forEach((size, i) => {
    const shape = inShape.map((d, k) => (k === axis ? size : d));
    const outDims = knownDims(shape);
    let value: Entries | undefined;
    if (entries && outDims && offset !== null) {
      const strides = stridesOf(entries.dims);
      const start = offset;
      value = remapValue(
        outDims,
        (idx) => idx.reduce((sum, v, k) => sum + (k === axis ? v + start : v) * (strides[k] ?? 0), 0),
        entries.data,
      );
    }
    ctx.setOutput(i, tensorInfo(input.dtype, shape, value));
    offset = typeof size === 'number' && offset !== null ? offset + size : null;
  });
}

/** Reads a known value broadcast to `outDims` (dims of 1 repeat; missing leading dims repeat). */
function broadcastValue(value: Entries, outDims: readonly number[]): Entries | undefined {
  const lead = outDims.length - value.dims.length;
  const strides = stridesOf(value.dims);
  return remapValue(
    outDims,
    (idx) =>
      value.dims.reduce((sum, d, k) => sum + (d === 1 ? 0 : (idx[k + lead] ?? 0) * (strides[k] ?? 0)), 0),
    value.data,
  );
}

function expandRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const target = inputEntries(ctx, 1);
  if (!target) {
    const length = vectorLength(ctx.input(1));
    if (length === undefined || input.shape === null)
      return ctx.setOutput(0, { dtype: input.dtype, shape: null });
    const rank = Math.max(length, input.shape.length);
    const lead = rank - input.shape.length;
    // A known input size above 1 must survive broadcasting; anything else depends on the target.
    const shape = Array.from({ length: rank }, (_, i) => {
      const d = i >= lead ? input.shape?.[i - lead] : undefined;
      return typeof d === 'number' && d > 1 ? d : null;
    });
    return ctx.setOutput(0, { dtype: input.dtype, shape });
  }
  const shape = broadcastShapes([input.shape, target]);
  const outDims = knownDims(shape);
  const entries = entriesOf(input);
  const value = entries && outDims ? broadcastValue(entries, outDims) : undefined;
  ctx.setOutput(0, tensorInfo(input.dtype, shape, value));
}

/**
 * Tile-1 (opsets 1–5) repeats along one axis: inputs `tiles` and `axis` are scalars. As the
 * repeats of Tile-6 that is 1 everywhere but `tiles` at `axis`.
 */
function legacyRepeats(ctx: InferContext, rank: number | undefined): Dim[] | undefined {
  const axis = inputValues(ctx, 2);
  if (rank === undefined || axis?.length !== 1) return undefined;
  const at = normalizeAxis(axis[0] ?? 0, rank, 'Tile axis');
  const tiles = inputEntries(ctx, 1);
  const count = tiles?.length === 1 ? (tiles[0] ?? null) : null;
  return Array.from({ length: rank }, (_, i) => (i === at ? count : 1));
}

function tileRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const legacy = ctx.opset < 6;
  const repeats = legacy ? legacyRepeats(ctx, input.shape?.length) : inputEntries(ctx, 1);
  if (!repeats || input.shape === null) {
    const rank = input.shape?.length ?? (legacy ? undefined : vectorLength(ctx.input(1)));
    return ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(rank) });
  }
  if (repeats.length !== input.shape.length)
    throw new ShapeError(`Tile has ${repeats.length} repeats for an input of rank ${input.shape.length}`);
  const shape = input.shape.map((d, i) => productDims([d, repeats[i] === undefined ? 1 : repeats[i]]));
  const outDims = knownDims(shape);
  const entries = entriesOf(input);
  let value: Entries | undefined;
  if (entries && outDims) {
    const { dims, data } = entries;
    const strides = stridesOf(dims);
    value = remapValue(
      outDims,
      (idx) => idx.reduce((sum, v, k) => sum + (v % (dims[k] ?? 1)) * (strides[k] ?? 0), 0),
      data,
    );
  }
  ctx.setOutput(0, tensorInfo(input.dtype, shape, value));
}

export const joinRules: ShapeRules = {
  Concat: concatRule,
  Split: splitRule,
  Expand: expandRule,
  Tile: tileRule,
};
