/** Comparing the tensors a split computes with those of the whole model (the rule: tolerance.ts). */
import type * as ort from 'onnxruntime-node';
import { halfToNumber } from '../onnx/tensor-data.js';
import { allowanceFor, allowanceRatio, atolFor, DEFAULT_TOLERANCE, type Tolerance } from './tolerance.js';

/** Where a difference is: its flat element index (row-major), and its size. */
export interface ElementDifference {
  /** Flat (row-major) index of the element; -1 when no element differs. */
  readonly element: number;
  /** |split − whole| there (`Infinity` for a NaN, infinity or value that should not differ). */
  readonly diff: number;
  /** `diff / |whole|` there (`Infinity` where the whole model's value is 0 and the split's is not). */
  readonly relDiff: number;
}

/** One output of a split held against the whole model's, element by element. */
export interface OutputComparison {
  readonly elements: number;
  /** Exact comparison (integers, booleans, strings): no tolerance applies. */
  readonly exact: boolean;
  readonly rtol: number;
  /** The absolute term used for this output (the default scales with it, see tolerance.ts). */
  readonly atol: number;
  /** The largest absolute difference. */
  readonly largestAbs: ElementDifference;
  /** The largest relative difference. */
  readonly largestRel: ElementDifference;
  /** The element furthest off relative to its allowance: it decides `ok`. */
  readonly worst: ElementDifference & { readonly allowance: number };
  readonly ok: boolean;
}

const NONE: ElementDifference = { element: -1, diff: 0, relDiff: 0 };

const isExactType = (type: string): boolean => !type.startsWith('float') && type !== 'bfloat16';

type Elements = ArrayLike<number | bigint | string | boolean>;

/** A tensor's elements as values: onnxruntime-node hands float16 over as raw bits. */
function valuesOf(tensor: ort.Tensor): Elements {
  const data = tensor.data as Elements;
  if (tensor.type !== 'float16' || !(data instanceof Uint16Array)) return data;
  return Array.from(data, halfToNumber);
}

/**
 * `actual` against the whole model's `expected`, element by element: `|actual − expected| ≤ atol
 * + rtol · |expected|` for floating-point outputs, equality for the rest. A shape or type that
 * differs fails at element 0; NaN equals NaN in the same place; ±Infinity only the same infinity.
 */
export function compareOutput(
  expected: ort.Tensor,
  actual: ort.Tensor,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): OutputComparison {
  const exact = isExactType(expected.type);
  const rtol = exact ? 0 : tolerance.rtol;
  const a = valuesOf(expected);
  const b = valuesOf(actual);
  const atol = exact ? 0 : atolFor(tolerance, maxFinite(a));
  const base = { elements: a.length, exact, rtol, atol };
  const sameShape =
    expected.type === actual.type &&
    expected.dims.length === actual.dims.length &&
    expected.dims.every((d, i) => d === actual.dims[i]) &&
    a.length === b.length;
  if (!sameShape) {
    const off = { element: 0, diff: Infinity, relDiff: Infinity };
    return { ...base, largestAbs: off, largestRel: off, worst: { ...off, allowance: atol }, ok: false };
  }
  let largestAbs = NONE;
  let largestRel = NONE;
  let worst = { ...NONE, allowance: a.length > 0 ? allowanceFor(0, rtol, atol) : atol };
  let worstRatio = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = elementDifference(a[i]!, b[i]!);
    if (diff === 0) continue;
    const whole = typeof a[i] === 'number' ? (a[i] as number) : Number(a[i]);
    const magnitude = Number.isFinite(whole) ? Math.abs(whole) : Infinity;
    const relDiff = magnitude === 0 ? Infinity : diff / magnitude;
    if (diff > largestAbs.diff) largestAbs = { element: i, diff, relDiff };
    if (relDiff > largestRel.relDiff) largestRel = { element: i, diff, relDiff };
    const allowance = Number.isFinite(magnitude) ? allowanceFor(magnitude, rtol, atol) : atol;
    const ratio = allowanceRatio({ maxAbsDiff: diff, tolerance: allowance });
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { element: i, diff, relDiff, allowance };
    }
  }
  return { ...base, largestAbs, largestRel, worst, ok: worstRatio <= 1 };
}

/** |y − x| of two elements: 0 when equal (NaN in both, the same infinity), `Infinity` when incomparable. */
function elementDifference(
  x: number | bigint | string | boolean,
  y: number | bigint | string | boolean,
): number {
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    const d = x > y ? x - y : y - x;
    return Number(d);
  }
  if (typeof x !== 'number' || typeof y !== 'number') return x === y ? 0 : Infinity;
  if (x === y) return 0; // also the same infinity, whose difference would be NaN
  if (Number.isNaN(x) && Number.isNaN(y)) return 0;
  const d = Math.abs(x - y);
  return Number.isNaN(d) ? Infinity : d;
}

/**
 * The largest absolute difference between two tensors' elements: `Infinity` when their shapes
 * differ or one is NaN where the other is not (NaN in both places counts as equal); strings
 * compare as equal (0) or not (`Infinity`).
 */
export function maxAbsDifference(expected: ort.Tensor, actual: ort.Tensor): number {
  return compareOutput(expected, actual).largestAbs.diff;
}

/** The largest finite |element| of a tensor (0 for strings, empty tensors or no finite element). */
export const maxAbsValue = (tensor: ort.Tensor): number => maxFinite(valuesOf(tensor));

function maxFinite(data: Elements): number {
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (typeof x === 'string') continue;
    const v = Math.abs(Number(x));
    if (Number.isFinite(v) && v > max) max = v;
  }
  return max;
}
