/**
 * Merging what is known about alternatives (If branches, loop iterations, sequence elements),
 * and the elements of sequences.
 *
 * A sequence is described by the ValueInfo of its elements (see sequence.ts). When the element
 * count is known, the description also lists each element as `sequenceElements` (SequenceEmpty
 * starts with none, SequenceInsert adds one), so SequenceAt at a known position is exact and an
 * empty sequence merges as "no elements yet" instead of "elements of unknown shape". The driver
 * keeps the extra field (it passes infos through or spreads them).
 */
import { MAX_KNOWN_ELEMENTS, type InferContext, type KnownValue, type ValueInfo } from '../types.js';
import { mergeShape } from './layout-dims.js';

/** A ValueInfo describing a sequence whose elements are known one by one. */
export interface SequenceInfo extends ValueInfo {
  readonly sequenceElements?: readonly ValueInfo[];
}

/** The elements of a sequence description, when its element count is known. */
export function sequenceElements(info: ValueInfo | undefined): readonly ValueInfo[] | undefined {
  return (info as SequenceInfo | undefined)?.sequenceElements;
}

/** An element (or tensor) description stripped of value and sequence facts. */
export function elementOf(info: ValueInfo): ValueInfo {
  return { dtype: info.dtype, shape: info.shape };
}

/**
 * The description of a sequence holding exactly `elements`: their merged shape, and the list.
 * With no elements the shape is unknown (`null`) and `dtype` says the element type.
 */
export function sequenceOf(ctx: InferContext, dtype: number, elements: readonly ValueInfo[]): SequenceInfo {
  const [first, ...rest] = elements.map(elementOf);
  const merged = first
    ? rest.reduce<ValueInfo>((acc, e) => mergeInfo(ctx, acc, e, 'seq'), first)
    : { dtype, shape: null };
  const description = { dtype: merged.dtype || dtype, shape: merged.shape };
  return elements.length <= MAX_KNOWN_ELEMENTS
    ? { ...description, sequenceElements: elements.map(elementOf) }
    : description;
}

function sameValue(a: KnownValue | undefined, b: KnownValue | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.dims.length === b.dims.length &&
    a.dims.every((d, i) => d === b.dims[i]) &&
    a.data.length === b.data.length &&
    a.data.every((v, i) => v === b.data[i])
  );
}

/**
 * One description for two alternatives: equal dims kept, differing dims symbolic (mergeShape);
 * the value survives only when both agree on it; sequences of equal length merge element by
 * element, and a sequence known to be empty adds no elements to the merged element shape.
 */
export function mergeInfo(
  ctx: InferContext,
  a: ValueInfo | undefined,
  b: ValueInfo | undefined,
  hint: string,
): ValueInfo {
  const listA = sequenceElements(a);
  const listB = sequenceElements(b);
  if (a && b && listA && listB && listA.length === listB.length)
    return sequenceOf(
      ctx,
      a.dtype || b.dtype,
      listA.map((e, i) => mergeInfo(ctx, e, listB[i], hint)),
    );
  if (a && b && listA?.length === 0) return elementOf(b);
  if (a && b && listB?.length === 0) return elementOf(a);
  const dtype = a?.dtype || b?.dtype || 0;
  const shape = a && b ? mergeShape(ctx, a.shape, b.shape, hint) : null;
  const merged: ValueInfo =
    a && b && a.value && sameValue(a.value, b.value) ? { dtype, shape, value: a.value } : { dtype, shape };
  // Either side's approximation survives the merge: the result may be that side.
  return a?.inexact || b?.inexact ? { ...merged, inexact: true } : merged;
}

/** Whether two descriptions say the same (used to stop re-inferring loop bodies). */
export function sameInfo(a: ValueInfo | undefined, b: ValueInfo | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.dtype !== b.dtype) return false;
  const listA = sequenceElements(a);
  const listB = sequenceElements(b);
  if ((listA === undefined) !== (listB === undefined)) return false;
  if (listA && listB && (listA.length !== listB.length || listA.some((e, i) => !sameInfo(e, listB[i]))))
    return false;
  if ((a.value === undefined) !== (b.value === undefined) || (a.value && !sameValue(a.value, b.value)))
    return false;
  if (a.shape === null || b.shape === null) return a.shape === b.shape;
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape?.[i]);
}
