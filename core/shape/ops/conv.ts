/**
 * Convolutions: Conv, ConvInteger, QLinearConv, DeformConv and ConvTranspose.
 * X is [N, C, D1…Dn]; the output is [N, M, O1…On].
 */
import { DataType } from '../../onnx/dtype.js';
import {
  ShapeError,
  type Dim,
  type InferContext,
  type Shape,
  type ShapeRule,
  type ShapeRules,
} from '../types.js';
import { scaleDim, transposedWindowDim } from './compute-dims.js';
import { readWindow, windowedDims } from './windows.js';

/** Checks that the weight's input channels times `group` match X's channels when both are known. */
function checkChannels(x: Shape, w: Shape, group: number, channelAxis: number, what: string): void {
  const c = x[1];
  const perGroup = w[channelAxis];
  if (typeof c === 'number' && typeof perGroup === 'number' && perGroup * group !== c) {
    throw new ShapeError(
      `${what}: input has ${c} channels but the weight expects ${perGroup} × group ${group}`,
    );
  }
}

/**
 * Conv-like output `[N, M, O…]` with `M = W[0]` and each `O = floor((D + pads - span) / stride) + 1`
 * (or `ceil(D / stride)` under auto_pad SAME), for X at slot `xSlot` and W at `wSlot`.
 */
function convOutputShape(ctx: InferContext, xSlot: number, wSlot: number): Shape | null {
  const x = ctx.requireInput(xSlot).shape;
  const w = ctx.requireInput(wSlot).shape;
  const rank = x?.length ?? w?.length;
  if (rank === undefined) return null;
  if (rank < 3) throw new ShapeError(`${ctx.node.opType} needs an input of rank ≥ 3, got rank ${rank}`);
  if (x && w && w.length !== x.length) {
    throw new ShapeError(`${ctx.node.opType}: weight rank ${w.length} differs from input rank ${x.length}`);
  }
  const group = ctx.attrInt('group', 1);
  if (x && w) checkChannels(x, w, group, 1, ctx.node.opType);
  const outChannels: Dim = w ? (w[0] ?? null) : null;
  if (!x) return [null, outChannels, ...new Array<Dim>(rank - 2).fill(null)];
  const window = readWindow(ctx, rank - 2, w?.slice(2));
  return [x[0] ?? null, outChannels, ...windowedDims(x.slice(2), window)];
}

function convLike(xSlot: number, wSlot: number, dtype: (ctx: InferContext) => number): ShapeRule {
  return (ctx) => ctx.setOutput(0, { dtype: dtype(ctx), shape: convOutputShape(ctx, xSlot, wSlot) });
}

/**
 * ConvTranspose: W is [C, M/group, k…], the output has `M = W[1] × group` channels and each
 * spatial length is `output_shape` when given, `D × stride` under auto_pad SAME, else
 * `stride × (D − 1) + output_padding + dilation × (k − 1) + 1 − padBegin − padEnd`.
 */
const convTransposeRule: ShapeRule = (ctx) => {
  const xInfo = ctx.requireInput(0);
  const x = xInfo.shape;
  const w = ctx.requireInput(1).shape;
  const rank = x?.length ?? w?.length;
  if (rank === undefined) {
    ctx.setOutput(0, { dtype: xInfo.dtype, shape: null });
    return;
  }
  const spatial = rank - 2;
  const group = ctx.attrInt('group', 1);
  if (x && w) checkChannels(x, w, 1, 0, 'ConvTranspose');
  const outChannels = w ? scaleDim(w[1] ?? null, group) : null;
  const given = ctx.attrInts('output_shape');
  let dims: Dim[];
  if (given && given.length > 0) {
    if (given.length !== spatial && given.length !== rank) {
      throw new ShapeError(`output_shape has ${given.length} entries for ${spatial} spatial axes`);
    }
    dims = given.slice(given.length - spatial);
  } else if (!x) {
    dims = new Array<Dim>(spatial).fill(null);
  } else {
    const window = readWindow(ctx, spatial, w?.slice(2));
    const outputPadding = ctx.attrInts('output_padding') ?? [];
    const same = window.autoPad === 'SAME_UPPER' || window.autoPad === 'SAME_LOWER';
    const valid = window.autoPad === 'VALID';
    dims = x.slice(2).map((d, i) => {
      const stride = window.strides[i] ?? 1;
      const kernel = window.kernel[i];
      if (same) return scaleDim(d, stride);
      if (kernel === null || kernel === undefined) return null;
      return transposedWindowDim(
        d,
        kernel,
        stride,
        valid ? 0 : (window.pads[i] ?? 0),
        valid ? 0 : (window.pads[i + spatial] ?? 0),
        window.dilations[i] ?? 1,
        outputPadding[i] ?? 0,
      );
    });
    for (const d of dims)
      if (typeof d === 'number' && d <= 0)
        throw new ShapeError(`ConvTranspose output length ${d} is not positive`);
  }
  ctx.setOutput(0, { dtype: xInfo.dtype, shape: [x?.[0] ?? null, outChannels, ...dims] });
};

/** Element type of X. */
const inputType = (ctx: InferContext): number => ctx.requireInput(0).dtype;

/** QLinearConv's output type is y_zero_point's (slot 7), else X's. */
const quantizedType = (ctx: InferContext): number => ctx.input(7)?.dtype || ctx.requireInput(0).dtype;

export const convRules: ShapeRules = {
  Conv: convLike(0, 1, inputType),
  ConvInteger: convLike(0, 1, () => DataType.INT32),
  QLinearConv: convLike(0, 3, quantizedType),
  DeformConv: convLike(0, 1, inputType),
  ConvTranspose: convTransposeRule,
};
