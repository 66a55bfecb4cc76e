/**
 * Merging what is known about alternatives (If branches, loop iterations, sequence elements) and
 * the element count of sequences.
 *
 * A sequence is described by the ValueInfo of its elements (see sequence.ts). Its element count,
 * when known, rides along as `sequenceLength`: SequenceEmpty starts at 0 and SequenceInsert adds
 * one, so an empty sequence merges as "no elements yet" instead of "elements of unknown shape".
 * The driver keeps the extra field (it passes infos through or spreads them).
 */
import type { InferContext, KnownValue, ValueInfo } from '../types.js';
import { mergeShape } from './layout-dims.js';

/** A ValueInfo describing a sequence whose element count is known. */
export interface SequenceInfo extends ValueInfo {
  readonly sequenceLength?: number;
}

/** Known element count of a sequence description, if any. */
export function sequenceLength(info: ValueInfo | undefined): number | undefined {
  return (info as SequenceInfo | undefined)?.sequenceLength;
}

/** A sequence description with a known (or, for undefined, unknown) element count. */
export function sequenceInfo(element: ValueInfo, length: number | undefined): SequenceInfo {
  const base = { dtype: element.dtype, shape: element.shape };
  return length === undefined ? base : { ...base, sequenceLength: length };
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
 * the value survives only when both agree on it; a sequence known to be empty adds no elements.
 */
export function mergeInfo(
  ctx: InferContext,
  a: ValueInfo | undefined,
  b: ValueInfo | undefined,
  hint: string,
): ValueInfo {
  if (a && sequenceLength(a) === 0 && b) return sequenceInfo(b, sequenceLength(b) === 0 ? 0 : undefined);
  if (b && sequenceLength(b) === 0 && a) return sequenceInfo(a, undefined);
  const dtype = a?.dtype || b?.dtype || 0;
  const shape = a && b ? mergeShape(ctx, a.shape, b.shape, hint) : null;
  const length = sequenceLength(a) === sequenceLength(b) ? sequenceLength(a) : undefined;
  const merged: SequenceInfo =
    length === undefined ? { dtype, shape } : { dtype, shape, sequenceLength: length };
  return a && b && a.value && sameValue(a.value, b.value) ? { ...merged, value: a.value } : merged;
}

/** Whether two descriptions say the same (used to stop re-inferring loop bodies). */
export function sameInfo(a: ValueInfo | undefined, b: ValueInfo | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.dtype !== b.dtype || sequenceLength(a) !== sequenceLength(b)) return false;
  if ((a.value === undefined) !== (b.value === undefined) || (a.value && !sameValue(a.value, b.value)))
    return false;
  if (a.shape === null || b.shape === null) return a.shape === b.shape;
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape?.[i]);
}
