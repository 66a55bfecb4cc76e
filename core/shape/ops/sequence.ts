/**
 * Rules for sequence and optional operators.
 *
 * Representation: a sequence (or an optional) is described by the ValueInfo of its elements:
 * `dtype` is the element type and `shape` the merge of every element's shape (dims all elements
 * share are kept, differing known dims become symbols, a rank that differs or is unknown is
 * `null`). When the element count is known the elements are also listed one by one
 * (`sequenceElements`, layout-merge.ts). Element values are never tracked. An optional holding
 * a tensor is described by that tensor. Identity, If and Loop thus work on sequences unchanged,
 * and what reaches SequenceAt or OptionalGetElement is already an element's description.
 */
import { shapeFromType } from '../../graph/build.js';
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import { boundedPieces } from '../limits.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules, type ValueInfo } from '../types.js';
import { sumDims } from './layout-dims.js';
import { elementOf, sequenceElements, sequenceOf } from './layout-merge.js';
import { inputScalar, inputValues, int64Scalar } from './layout-values.js';

/** Position `raw` (negative counts from the end) in a sequence of `length`, `end` allowed when inserting. */
function position(raw: number, length: number, insert: boolean): number {
  const at = raw < 0 ? raw + length : raw;
  if (at < 0 || at > length || (!insert && at === length))
    throw new ShapeError(`sequence position ${raw} is out of range for ${length} elements`);
  return at;
}

function sequenceEmptyRule(ctx: InferContext): void {
  ctx.setOutput(0, sequenceOf(ctx, ctx.attrInt('dtype', DataType.FLOAT), []));
}

function sequenceConstructRule(ctx: InferContext): void {
  const items = Array.from({ length: ctx.inputCount }, (_, i) => ctx.requireInput(i));
  if (items.length === 0) throw new ShapeError('SequenceConstruct has no inputs');
  ctx.setOutput(0, sequenceOf(ctx, items[0]?.dtype ?? 0, items));
}

/** `count` copies of the merged description of `items` (element count known, places not). */
function uniformSequence(
  ctx: InferContext,
  dtype: number,
  items: readonly ValueInfo[],
  count: number,
): ValueInfo {
  const merged = elementOf(sequenceOf(ctx, dtype, items));
  return sequenceOf(ctx, dtype, new Array<ValueInfo>(count).fill(merged));
}

/** SequenceInsert: the tensor goes in at `position` (default: the end). */
function sequenceInsertRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  const item = ctx.requireInput(1);
  const dtype = seq.dtype || item.dtype;
  const elements = sequenceElements(seq);
  const given = ctx.input(2) !== undefined;
  const raw = given ? inputScalar(ctx, 2) : undefined;
  if (!elements) return ctx.setOutput(0, elementOf(sequenceOf(ctx, dtype, [seq, item])));
  if (given && raw === undefined)
    return ctx.setOutput(0, uniformSequence(ctx, dtype, [...elements, item], elements.length + 1));
  const at = raw === undefined ? elements.length : position(raw, elements.length, true);
  ctx.setOutput(0, sequenceOf(ctx, dtype, [...elements.slice(0, at), item, ...elements.slice(at)]));
}

/** SequenceErase: removes the element at `position` (default: the last). */
function sequenceEraseRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  const elements = sequenceElements(seq);
  const raw = ctx.input(1) ? inputScalar(ctx, 1) : -1;
  if (!elements) return ctx.setOutput(0, elementOf(seq));
  if (elements.length === 0) throw new ShapeError('SequenceErase on an empty sequence');
  if (raw === undefined)
    return ctx.setOutput(0, uniformSequence(ctx, seq.dtype, elements, elements.length - 1));
  const at = position(raw, elements.length, false);
  ctx.setOutput(
    0,
    sequenceOf(
      ctx,
      seq.dtype,
      elements.filter((_, i) => i !== at),
    ),
  );
}

/** SequenceAt: the element at a known position, or the merged element description. */
function sequenceAtRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  const elements = sequenceElements(seq);
  const raw = inputScalar(ctx, 1);
  const chosen = elements && raw !== undefined ? elements[position(raw, elements.length, false)] : undefined;
  ctx.setOutput(0, elementOf(chosen ?? seq));
}

function sequenceLengthRule(ctx: InferContext): void {
  const elements = sequenceElements(ctx.requireInput(0));
  ctx.setOutput(0, elements ? int64Scalar(elements.length) : { dtype: DataType.INT64, shape: [] });
}

/** Sizes of SplitToSequence's pieces along an axis of known size d, when they are known. */
function splitPieces(d: number, split: readonly number[] | undefined, scalarSplit: boolean): number[] {
  // Pieces come from an axis size, not from names in the file: bound them before building them.
  const pieces = (n: number) => boundedPieces(n, (k) => `splits its input into a sequence of ${k} pieces`);
  if (!split) return new Array<number>(pieces(d)).fill(1);
  if (!scalarSplit) {
    const total = split.reduce((n, s) => n + s, 0);
    if (total !== d) throw new ShapeError(`SplitToSequence sizes sum to ${total}, not the axis size ${d}`);
    return [...split];
  }
  const size = split[0] ?? 1;
  if (size < 1) throw new ShapeError(`SplitToSequence split size ${size} is not positive`);
  return Array.from({ length: pieces(Math.ceil(d / size)) }, (_, i) => Math.min(size, d - i * size));
}

/**
 * SplitToSequence: pieces of size 1 along `axis` by default (the axis dropped when keepdims=0),
 * of a scalar `split` size (the last one may be smaller), or of the listed sizes.
 */
function splitToSequenceRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  if (input.shape === null) return ctx.setOutput(0, { dtype: input.dtype, shape: null });
  const inShape = input.shape;
  const axis = normalizeAxis(ctx.attrInt('axis', 0), inShape.length, 'SplitToSequence axis');
  const d = inShape[axis] ?? null;
  const splitGiven = ctx.input(1);
  const split = inputValues(ctx, 1);
  const dropAxis = !splitGiven && ctx.attrInt('keepdims', 1) === 0;
  const pieceShape = (size: Dim): Dim[] =>
    dropAxis ? inShape.filter((_, i) => i !== axis) : inShape.map((dim, i) => (i === axis ? size : dim));
  if (splitGiven && !split) return ctx.setOutput(0, { dtype: input.dtype, shape: pieceShape(null) });
  const scalarSplit = splitGiven !== undefined && (splitGiven.shape?.length === 0 || split?.length === 1);
  if (typeof d !== 'number') {
    const size: Dim = !split
      ? 1
      : scalarSplit
        ? null
        : split.every((s) => s === split[0])
          ? (split[0] ?? null)
          : null;
    return ctx.setOutput(0, { dtype: input.dtype, shape: pieceShape(size) });
  }
  const pieces = splitPieces(d, split, scalarSplit).map((size) => ({
    dtype: input.dtype,
    shape: pieceShape(size),
  }));
  ctx.setOutput(0, sequenceOf(ctx, input.dtype, pieces));
}

/**
 * ConcatFromSequence: elements joined along `axis`, or stacked on a new axis (new_axis=1). With
 * the elements known the joined size is their sum (or count); otherwise it is a fresh symbol.
 */
function concatFromSequenceRule(ctx: InferContext): void {
  const seq = ctx.requireInput(0);
  if (seq.shape === null) return ctx.setOutput(0, { dtype: seq.dtype, shape: null });
  const newAxis = ctx.attrInt('new_axis', 0) === 1;
  const axis = normalizeAxis(
    ctx.attrInt('axis', 0),
    seq.shape.length + (newAxis ? 1 : 0),
    'ConcatFromSequence axis',
  );
  const elements = sequenceElements(seq);
  let joined: Dim;
  if (!elements) joined = ctx.freshSymbol('concat');
  else if (newAxis) joined = elements.length;
  else joined = elements.reduce<Dim>((sum, e) => sumDims(sum, e.shape?.[axis] ?? null), 0);
  const shape = newAxis
    ? [...seq.shape.slice(0, axis), joined, ...seq.shape.slice(axis)]
    : seq.shape.map((d, i) => (i === axis ? joined : d));
  ctx.setOutput(0, { dtype: seq.dtype, shape });
}

/** SequenceMap: the body runs on one element of each sequence input (tensor inputs pass whole). */
function sequenceMapRule(ctx: InferContext): void {
  const inputs = Array.from({ length: ctx.inputCount }, (_, i) => {
    const info = ctx.input(i);
    return info && elementOf(info);
  });
  const outputs = ctx.inferSubgraph('body', inputs);
  const count = sequenceElements(ctx.input(0))?.length;
  for (let i = 0; i < ctx.outputCount; i++) {
    const out = elementOf(outputs[i] ?? { dtype: 0, shape: null });
    ctx.setOutput(
      i,
      count === undefined ? out : sequenceOf(ctx, out.dtype, new Array<ValueInfo>(count).fill(out)),
    );
  }
}

/** Optional: wraps its input, or is empty with the element type of the `type` attribute. */
function optionalRule(ctx: InferContext): void {
  const input = ctx.input(0);
  if (input) return ctx.setOutput(0, input);
  const type = ctx.attr('type')?.tp;
  ctx.setOutput(0, shapeFromType(type?.sequenceType?.elemType ?? type));
}

/** OptionalHasElement: a bool scalar, known false when the input is omitted (opset 18). */
function optionalHasElementRule(ctx: InferContext): void {
  const absent = ctx.input(0) === undefined;
  ctx.setOutput(
    0,
    absent
      ? { dtype: DataType.BOOL, shape: [], value: { dims: [], data: [0] } }
      : { dtype: DataType.BOOL, shape: [] },
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
