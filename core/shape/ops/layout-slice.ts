/**
 * Rules for operators that cut or grow a tensor along axes: Slice and Pad.
 */
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules } from '../types.js';
import { addDim, sumDims } from './layout-dims.js';
import {
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

/** Slice bounds at or beyond this magnitude mean "to the end" (exporters write INT32/INT64 max). */
const OPEN_BOUND = 2 ** 31 - 1;

/** Where a slice of a known axis of size d starts and how many elements it takes. */
function sliceKnown(d: number, start: number, end: number, step: number): { first: number; count: number } {
  let s = start < 0 ? start + d : start;
  let e = end < 0 ? end + d : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), d);
    e = Math.min(Math.max(e, 0), d);
  } else {
    s = Math.min(Math.max(s, 0), d - 1);
    e = Math.min(Math.max(e, -1), d - 1);
  }
  return { first: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/**
 * Slice length of a symbolic axis. Constant bounds are assumed to lie inside the axis (as in
 * `x[:, :5]` or `x[..., -1:]`); open bounds keep the symbol (`N`, `N-1`).
 */
function sliceSymbolic(d: string, start: number, end: number, step: number): Dim {
  if (step < 0) return step === -1 && (start === -1 || start >= OPEN_BOUND) && end <= -OPEN_BOUND ? d : null;
  let span: Dim;
  const openEnd = end >= OPEN_BOUND;
  if (start <= -OPEN_BOUND) start = 0;
  if (start >= 0 && openEnd) span = addDim(d, -start);
  else if (start < 0 && openEnd) span = -start;
  else if (start >= 0 === end >= 0) span = Math.max(0, end - start);
  else if (start >= 0) span = addDim(d, end - start);
  else return null;
  if (step === 1) return span;
  return typeof span === 'number' ? Math.ceil(span / step) : `ceil((${span})/${step})`;
}

/**
 * Slice length when a bound is itself a symbol (`x[:, :S]` with S read by Shape): with unit step,
 * a constant start before a symbolic end takes `end - start`, assuming the end lies inside the axis.
 */
function sliceToSymbol(start: Dim, end: Dim, step: number): Dim {
  if (step !== 1) return null;
  if (typeof start === 'string' && start === end) return 0;
  if (typeof start === 'number' && start >= 0 && typeof end === 'string') return addDim(end, -start);
  return null;
}

function sliceRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const legacy = ctx.attr('starts') !== undefined;
  const starts = legacy ? ctx.attrInts('starts') : inputEntries(ctx, 1);
  const ends = legacy ? ctx.attrInts('ends') : inputEntries(ctx, 2);
  const axesGiven = legacy ? ctx.attrInts('axes') : ctx.input(3) ? inputValues(ctx, 3) : undefined;
  const axesUnknown = !legacy && ctx.input(3) !== undefined && axesGiven === undefined;
  const steps = legacy ? undefined : inputValues(ctx, 4);
  if (input.shape === null) return ctx.setOutput(0, { dtype: input.dtype, shape: null });
  const rank = input.shape.length;
  const stepsUnknown = !legacy && ctx.input(4) !== undefined && steps === undefined;
  if (!starts || !ends || axesUnknown || stepsUnknown) {
    // The sliced axes are unknown when the bounds are: keep the rank, and the dims the axes leave alone.
    const sliced = axesGiven?.map((a) => normalizeAxis(a, rank, 'Slice axis'));
    const count = vectorLength(ctx.input(1));
    const shape = input.shape.map((d, i) =>
      (sliced ? !sliced.includes(i) : count !== undefined && i >= count) ? d : null,
    );
    return ctx.setOutput(0, { dtype: input.dtype, shape });
  }
  if (starts.length !== ends.length)
    throw new ShapeError(`Slice has ${starts.length} starts but ${ends.length} ends`);
  const axes = (axesGiven ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, rank, 'Slice axis'));
  const shape: Dim[] = [...input.shape];
  let assumed = false;
  const firsts = new Array<number>(rank).fill(0);
  const strides = new Array<number>(rank).fill(1);
  axes.forEach((axis, i) => {
    const step = steps?.[i] ?? 1;
    if (step === 0) throw new ShapeError('Slice step is 0');
    const d = input.shape?.[axis] ?? null;
    const start = starts[i] ?? null;
    const end = ends[i] ?? null;
    if (typeof start !== 'number' || typeof end !== 'number') {
      shape[axis] = sliceToSymbol(start, end, step);
    } else if (typeof d === 'number') {
      const { first, count } = sliceKnown(d, start, end, step);
      shape[axis] = count;
      firsts[axis] = first;
      strides[axis] = step;
    } else {
      shape[axis] = d === null ? null : sliceSymbolic(d, start, end, step);
      // A number cut from a symbolic axis assumes the axis is long enough: `boxes[:100]` after
      // NonMaxSuppression holds at most 100 rows, maybe none. An upper bound, not a fact.
      if (typeof shape[axis] === 'number' && shape[axis] !== 0) assumed = true;
    }
  });
  const outDims = knownDims(shape);
  const entries = entriesOf(input);
  let value: Entries | undefined;
  if (entries && outDims) {
    const inStrides = stridesOf(entries.dims);
    value = remapValue(
      outDims,
      (idx) =>
        idx.reduce((sum, v, k) => sum + ((firsts[k] ?? 0) + v * (strides[k] ?? 1)) * (inStrides[k] ?? 0), 0),
      entries.data,
    );
  }
  const info = tensorInfo(input.dtype, shape, value);
  ctx.setOutput(0, assumed ? { ...info, inexact: true } : info);
}

/**
 * Pad: out = d + pads_begin + pads_end; pads are an attribute before opset 11, an input after
 * (with an axes input from opset 18).
 */
function padRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const pads = ctx.attrInts('pads') ?? ctx.attrInts('paddings') ?? inputValues(ctx, 1);
  if (input.shape === null) return ctx.setOutput(0, { dtype: input.dtype, shape: null });
  const rank = input.shape.length;
  const axesValues = inputValues(ctx, 3);
  if (!pads || (ctx.input(3) && !axesValues))
    return ctx.setOutput(0, { dtype: input.dtype, shape: unknownShape(rank) });
  const axes = axesValues
    ? axesValues.map((a) => normalizeAxis(a, rank, 'Pad axis'))
    : [...input.shape.keys()];
  if (pads.length !== 2 * axes.length)
    throw new ShapeError(`Pad has ${pads.length} pads for ${axes.length} axes`);
  const shape: Dim[] = [...input.shape];
  axes.forEach((axis, i) => {
    const grown = sumDims(shape[axis] ?? null, (pads[i] ?? 0) + (pads[i + axes.length] ?? 0));
    if (typeof grown === 'number' && grown < 0)
      throw new ShapeError(`Pad makes axis ${axis} negative (${grown})`);
    shape[axis] = grown;
  });
  ctx.setOutput(0, { dtype: input.dtype, shape });
}

export const sliceRules: ShapeRules = {
  Slice: sliceRule,
  Pad: padRule,
};
