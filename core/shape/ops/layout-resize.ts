/**
 * Rules for operators that rescale or rearrange spatial dims: Resize, Upsample, DepthToSpace,
 * SpaceToDepth (Col2Im, AffineGrid and CenterCropPad are image rules of the compute family).
 */
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules, type ValueInfo } from '../types.js';
import { divideDim, productDims } from './layout-dims.js';
import { entriesOf, inputValues, unknownShape } from './layout-values.js';

/** floor(d × scale); a whole scale keeps a symbol readable (`2*H`). */
function scaleDim(d: Dim, scale: number): Dim {
  if (d === null) return null;
  if (typeof d === 'number') return Math.floor(d * scale);
  if (scale === 1) return d;
  return Number.isInteger(scale) ? productDims([scale, d]) : `floor(${d}*${scale})`;
}

/** An optional tensor input that is present and not empty (Resize writes empty scales in opset 11-12). */
function presentInput(ctx: InferContext, i: number): ValueInfo | undefined {
  const info = ctx.input(i);
  if (!info) return undefined;
  if (info.value?.data.length === 0) return undefined;
  if (info.shape?.length === 1 && info.shape[0] === 0) return undefined;
  return info;
}

/**
 * Resize: out = floor(in × scale) from `scales`, or `sizes` directly; with keep_aspect_ratio_policy
 * not_larger / not_smaller one scale (the min / max of size/in over the axes) applies to every
 * listed axis and out = round(in × scale), half rounded up.
 */
function resizeRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const out = (shape: readonly Dim[] | null): void => ctx.setOutput(0, { dtype: input.dtype, shape });
  if (input.shape === null) return out(null);
  const inShape = input.shape;
  const rank = inShape.length;
  const axesAttr = ctx.attrInts('axes');
  const axes = axesAttr ? axesAttr.map((a) => normalizeAxis(a, rank, 'Resize axis')) : [...inShape.keys()];
  const scalesInfo = presentInput(ctx, ctx.opset < 11 ? 1 : 2);
  const sizesInfo = ctx.opset < 11 ? undefined : presentInput(ctx, 3);
  const scales = scalesInfo?.value?.data;
  const sizes = entriesOf(sizesInfo)?.data;
  const unknownAxes = (): Dim[] => inShape.map((d, i) => (axes.includes(i) ? null : d));
  if (scalesInfo && sizesInfo) throw new ShapeError('Resize has both scales and sizes');
  if (scales) {
    if (scales.length !== axes.length)
      throw new ShapeError(`Resize has ${scales.length} scales for ${axes.length} axes`);
    return out(inShape.map((d, i) => (axes.includes(i) ? scaleDim(d, scales[axes.indexOf(i)] ?? 1) : d)));
  }
  if (!sizes) return out(scalesInfo || sizesInfo ? unknownAxes() : inShape);
  if (sizes.length !== axes.length)
    throw new ShapeError(`Resize has ${sizes.length} sizes for ${axes.length} axes`);
  const policy = ctx.attrString('keep_aspect_ratio_policy', 'stretch');
  if (policy === 'stretch')
    return out(inShape.map((d, i) => (axes.includes(i) ? (sizes[axes.indexOf(i)] ?? null) : d)));
  const ratios = axes.map((a, k) => {
    const d = inShape[a];
    const size = sizes[k];
    return typeof d === 'number' && typeof size === 'number' ? size / d : undefined;
  });
  if (ratios.some((r) => r === undefined)) return out(unknownAxes());
  const known = ratios as number[];
  const scale = policy === 'not_larger' ? Math.min(...known) : Math.max(...known);
  out(inShape.map((d, i) => (axes.includes(i) && typeof d === 'number' ? Math.floor(d * scale + 0.5) : d)));
}

/**
 * Upsample's scale per axis: `height_scale`/`width_scale` of an [N, C, H, W] input in the
 * experimental Upsample-1, a `scales` attribute at opset 7, an input from 9.
 */
function upsampleScales(ctx: InferContext): readonly number[] | undefined {
  if (ctx.attr('height_scale') || ctx.attr('width_scale'))
    return [1, 1, ctx.attrFloat('height_scale', 1), ctx.attrFloat('width_scale', 1)];
  return ctx.attrFloats('scales') ?? inputValues(ctx, 1);
}

/** Upsample (deprecated): out = floor(in × scale). */
function upsampleRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const scales = upsampleScales(ctx);
  if (input.shape === null || !scales)
    return ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(input.shape?.length) });
  if (scales.length !== input.shape.length)
    throw new ShapeError(`Upsample has ${scales.length} scales for rank ${input.shape.length}`);
  ctx.setOutput(0, { dtype: input.dtype, shape: input.shape.map((d, i) => scaleDim(d, scales[i] ?? 1)) });
}

/** The block size and the [N, C, H, W] dims of DepthToSpace/SpaceToDepth. */
function blockInput(ctx: InferContext): { input: ValueInfo; block: number; dims: readonly Dim[] | null } {
  const input = ctx.requireInput(0);
  const block = ctx.attrInt('blocksize', 0);
  if (block < 1) throw new ShapeError(`blocksize ${block} must be at least 1`);
  if (input.shape && input.shape.length !== 4)
    throw new ShapeError(`expected a 4-D input, got rank ${input.shape.length}`);
  return { input, block, dims: input.shape };
}

function mustDivide(d: Dim, k: number, what: string): Dim {
  if (typeof d === 'number' && d % k !== 0) throw new ShapeError(`${what} ${d} is not divisible by ${k}`);
  return divideDim(d, k);
}

/** DepthToSpace: [N, C/b², H·b, W·b]. */
function depthToSpaceRule(ctx: InferContext): void {
  const { input, block, dims } = blockInput(ctx);
  const [n = null, c = null, h = null, w = null] = dims ?? [];
  const shape = dims && [
    n,
    mustDivide(c, block * block, 'channels'),
    productDims([h, block]),
    productDims([w, block]),
  ];
  ctx.setOutput(0, { dtype: input.dtype, shape: shape ?? unknownShape(4) });
}

/** SpaceToDepth: [N, C·b², H/b, W/b]. */
function spaceToDepthRule(ctx: InferContext): void {
  const { input, block, dims } = blockInput(ctx);
  const [n = null, c = null, h = null, w = null] = dims ?? [];
  const shape = dims && [
    n,
    productDims([c, block * block]),
    mustDivide(h, block, 'height'),
    mustDivide(w, block, 'width'),
  ];
  ctx.setOutput(0, { dtype: input.dtype, shape: shape ?? unknownShape(4) });
}

export const resizeRules: ShapeRules = {
  Resize: resizeRule,
  Upsample: upsampleRule,
  DepthToSpace: depthToSpaceRule,
  SpaceToDepth: spaceToDepthRule,
};
