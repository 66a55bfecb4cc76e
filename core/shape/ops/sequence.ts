/**
 * Rules for sequence and optional operators.
 *
 * Representation: a sequence (or an optional) is described by the ValueInfo of its elements:
 * `dtype` is the element type and `shape` the merge of every element's shape (dims all elements
 * share are kept, differing known dims become symbols, a rank that differs or is unknown is
 * `null`). Sequence values are never tracked; the element count is, when known, as
 * `sequenceLength` (layout-merge.ts). An optional holding a tensor is described by that
 * tensor. This keeps Identity, If and Loop working on sequences unchanged, and what reaches
 * SequenceAt or OptionalGetElement is already the element's description.
 */
import { shapeFromType } from '../../graph/build.js';
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules, type ValueInfo } from '../types.js';
import { mergeInfo, sequenceInfo, sequenceLength } from './layout-merge.js';
import { mergeDim } from './layout-dims.js';
import { inputValues, int64Scalar } from './layout-values.js';

/** Element description without a known value (a sequence's elements are not folded). */
function element(info: ValueInfo): ValueInfo {
  return { dtype: info.dtype, shape: info.shape };
}

function sequenceEmptyRule(ctx: InferContext): void {
  ctx.setOutput(0, sequenceInfo({ dtype: ctx.attrInt('dtype', DataType.FLOAT), shape: null }, 0));
}

function sequenceConstructRule(ctx: InferContext): void {
  const items = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i));
  const first = items[0];
  if (!first) throw new ShapeError('SequenceConstruct has no inputs');
  const merged = items
    .slice(1)
    .reduce<ValueInfo>((acc, item) => mergeInfo(ctx, acc, item && element(item), 'seq'), element(first));
  ctx.setOutput(0, sequenceInfo(merged, items.length));
}

/** SequenceInsert: one more element; into a sequence known to be empty, the element alone. */
function sequenceInsertRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  const item = element(ctx.requireInput(1));
  const length = sequenceLength(seq);
  const merged = length === 0 ? item : mergeInfo(ctx, element(seq), item, 'seq');
  ctx.setOutput(0, sequenceInfo(merged, length === undefined ? undefined : length + 1));
}

function sequenceEraseRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  const length = sequenceLength(seq);
  if (length === 0) throw new ShapeError('SequenceErase on an empty sequence');
  ctx.setOutput(0, sequenceInfo(seq, length === undefined ? undefined : length - 1));
}

function sequenceAtRule(ctx: InferContext): void {
  ctx.setOutput(0, element(ctx.requireInput(0)));
}

function sequenceLengthRule(ctx: InferContext): void {
  const length = sequenceLength(ctx.requireInput(0));
  ctx.setOutput(0, length === undefined ? { dtype: DataType.INT64, shape: [] } : int64Scalar(length));
}

/**
 * SplitToSequence: pieces of size 1 along `axis` by default (the axis dropped when keepdims=0),
 * of a scalar `split` size (the last one may be smaller), or of the listed sizes.
 */
function splitToSequenceRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  if (input.shape === null) return ctx.setOutput(0, { dtype: input.dtype, shape: null });
  const axis = normalizeAxis(ctx.attrInt('axis', 0), input.shape.length, 'SplitToSequence axis');
  const d = input.shape[axis] ?? null;
  const splitGiven = ctx.input(1);
  const split = inputValues(ctx, 1);
  let piece: Dim;
  let count: number | undefined;
  if (!splitGiven) {
    piece = 1;
    count = typeof d === 'number' ? d : undefined;
  } else if (!split) {
    piece = null;
  } else if (splitGiven.shape?.length === 0 || split.length === 1) {
    const size = split[0] ?? 1;
    if (size < 1) throw new ShapeError(`SplitToSequence split size ${size} is not positive`);
    piece = typeof d === 'number' && d % size !== 0 ? mergeDim(ctx, size, d % size, 'seq') : size;
    count = typeof d === 'number' ? Math.ceil(d / size) : undefined;
  } else {
    piece = split.slice(1).reduce<Dim>((acc, s) => mergeDim(ctx, acc, s, 'seq'), split[0] ?? null);
    count = split.length;
  }
  const dropAxis = !splitGiven && ctx.attrInt('keepdims', 1) === 0;
  const shape = dropAxis
    ? input.shape.filter((_, i) => i !== axis)
    : input.shape.map((dim, i) => (i === axis ? piece : dim));
  ctx.setOutput(0, sequenceInfo({ dtype: input.dtype, shape }, count));
}

/**
 * ConcatFromSequence: elements joined along `axis`, or stacked on a new axis (new_axis=1). The
 * joined size is count × element size when both are known, a symbol otherwise.
 */
function concatFromSequenceRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  if (seq.shape === null) return ctx.setOutput(0, { dtype: seq.dtype, shape: null });
  const newAxis = ctx.attrInt('new_axis', 0) === 1;
  const rank = seq.shape.length + (newAxis ? 1 : 0);
  const axis = normalizeAxis(ctx.attrInt('axis', 0), rank, 'ConcatFromSequence axis');
  const count = sequenceLength(seq);
  const size = newAxis ? 1 : seq.shape[axis];
  const joined: Dim =
    count !== undefined && typeof size === 'number' ? count * size : ctx.freshSymbol('concat');
  const shape = newAxis
    ? [...seq.shape.slice(0, axis), joined, ...seq.shape.slice(axis)]
    : seq.shape.map((d, i) => (i === axis ? joined : d));
  ctx.setOutput(0, { dtype: seq.dtype, shape });
}

/** SequenceMap: the body runs on one element of each sequence input (tensor inputs pass whole). */
function sequenceMapRule(ctx: InferContext): void {
  const inputs = Array.from({ length: ctx.inputCount }, (_, i) => {
    const info = ctx.input(i);
    return info && element(info);
  });
  const outputs = ctx.inferSubgraph('body', inputs);
  for (let i = 0; i < ctx.outputCount; i++) {
    const out = outputs[i];
    ctx.setOutput(i, sequenceInfo(out ?? { dtype: 0, shape: null }, sequenceLength(ctx.input(0))));
  }
}

/** Optional: wraps its input, or is empty with the element type of the `type` attribute. */
function optionalRule(ctx: InferContext): void {
  const input = ctx.input(0);
  if (input) return ctx.setOutput(0, input);
  const type = ctx.attr('type')?.tp;
  const inner = type?.sequenceType?.elemType ?? type;
  ctx.setOutput(0, shapeFromType(inner));
}

/** OptionalHasElement: a bool scalar, known false when the input is omitted (opset 18). */
function optionalHasElementRule(ctx: InferContext): void {
  const given = ctx.input(0) !== undefined;
  ctx.setOutput(
    0,
    given
      ? { dtype: DataType.BOOL, shape: [] }
      : { dtype: DataType.BOOL, shape: [], value: { dims: [], data: [0] } },
  );
}

export const sequenceRules: ShapeRules = {
  SequenceEmpty: sequenceEmptyRule,
  SequenceConstruct: sequenceConstructRule,
  SequenceInsert: sequenceInsertRule,
  SequenceErase: sequenceEraseRule,
  SequenceAt: sequenceAtRule,
  SequenceLength: sequenceLengthRule,
  SplitToSequence: splitToSequenceRule,
  ConcatFromSequence: concatFromSequenceRule,
  SequenceMap: sequenceMapRule,
  Optional: optionalRule,
  OptionalHasElement: optionalHasElementRule,
  OptionalGetElement: (ctx) => ctx.setOutput(0, ctx.requireInput(0)),
};
