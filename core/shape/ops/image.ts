/** Image sampling and patch operators: GridSample, AffineGrid, Col2Im, CenterCropPad. */
import { normalizeAxis } from '../dims.js';
import { boundedRank } from '../limits.js';
import { ShapeError, type Dim, type InferContext, type ShapeRule, type ShapeRules } from '../types.js';

function knownInts(ctx: InferContext, slot: number): readonly number[] | undefined {
  return ctx.input(slot)?.value?.data;
}

/**
 * Entry count of a 1-D input whose values may be unknown. It becomes a rank, so a declared
 * length of 2³¹−1 is a SHAPE_LIMIT error, not an array of that length.
 */
function vectorCount(ctx: InferContext, slot: number): number | undefined {
  const info = ctx.input(slot);
  if (info?.value) return info.value.data.length;
  const n = info?.shape?.length === 1 ? info.shape[0] : undefined;
  return typeof n === 'number'
    ? boundedRank(n, (k) => `has a size or shape input of ${k} entries`)
    : undefined;
}

/** GridSample: X `[N, C, D1…]` sampled at grid `[N, O1…, r]` gives `[N, C, O1…]`. */
const gridSampleRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const grid = ctx.requireInput(1).shape;
  const n: Dim = x.shape?.[0] ?? grid?.[0] ?? null;
  const c: Dim = x.shape?.[1] ?? null;
  let spatial: Dim[] | undefined;
  if (grid) spatial = grid.slice(1, -1);
  else if (x.shape) spatial = x.shape.slice(2).map(() => null);
  ctx.setOutput(0, { dtype: x.dtype, shape: spatial ? [n, c, ...spatial] : null });
};

/** AffineGrid: theta `[N, r, r+1]` and size `[N, C, D1…Dr]` give a grid `[N, D1…Dr, r]`. */
const affineGridRule: ShapeRule = (ctx) => {
  const theta = ctx.requireInput(0);
  const size = knownInts(ctx, 1);
  const count = vectorCount(ctx, 1);
  if (count === undefined) {
    ctx.setOutput(0, { dtype: theta.dtype, shape: null });
    return;
  }
  const r = count - 2;
  const spatial: Dim[] = size ? size.slice(2) : new Array<Dim>(r).fill(null);
  ctx.setOutput(0, { dtype: theta.dtype, shape: [size?.[0] ?? theta.shape?.[0] ?? null, ...spatial, r] });
};

/**
 * Col2Im: input `[N, C·∏block, L]`, image_shape (input 1) and block_shape (input 2) give
 * `[N, C, image…]`.
 */
const col2ImRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const image = knownInts(ctx, 1);
  const block = knownInts(ctx, 2);
  const count = image?.length ?? vectorCount(ctx, 1);
  const columns = x.shape?.[1];
  let channels: Dim = null;
  if (typeof columns === 'number' && block) {
    const blockSize = block.reduce((a, b) => a * b, 1);
    if (blockSize === 0 || columns % blockSize !== 0) {
      throw new ShapeError(
        `Col2Im input has ${columns} columns, not a multiple of the block size ${blockSize}`,
      );
    }
    channels = columns / blockSize;
  }
  const spatial: Dim[] | undefined = image
    ? [...image]
    : count === undefined
      ? undefined
      : new Array<Dim>(count).fill(null);
  ctx.setOutput(0, { dtype: x.dtype, shape: spatial ? [x.shape?.[0] ?? null, channels, ...spatial] : null });
};

/** CenterCropPad: the input's shape with `axes` (default all) set to the values of `shape` (input 1). */
const centerCropPadRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  if (!x.shape) {
    ctx.setOutput(0, { dtype: x.dtype, shape: null });
    return;
  }
  const rank = x.shape.length;
  const axes = (ctx.attrInts('axes') ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, rank, 'axes'));
  const sizes = knownInts(ctx, 1);
  if (sizes && sizes.length !== axes.length)
    throw new ShapeError(`CenterCropPad has ${sizes.length} sizes for ${axes.length} axes`);
  const out: Dim[] = [...x.shape];
  axes.forEach((axis, k) => (out[axis] = sizes?.[k] ?? null));
  ctx.setOutput(0, { dtype: x.dtype, shape: out });
};

export const imageRules: ShapeRules = {
  GridSample: gridSampleRule,
  AffineGrid: affineGridRule,
  Col2Im: col2ImRule,
  CenterCropPad: centerCropPadRule,
};
