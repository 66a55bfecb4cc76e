/** Comparing the tensors a split computes with those of the whole model. */
import type * as ort from 'onnxruntime-node';
import { toleranceFor } from './tolerance.js';

/**
 * The largest absolute difference between two tensors' elements: `Infinity` when their shapes
 * differ or one is NaN where the other is not (NaN in both places counts as equal); strings
 * compare as equal (0) or not (`Infinity`).
 */
export function maxAbsDifference(expected: ort.Tensor, actual: ort.Tensor): number {
  if (expected.dims.length !== actual.dims.length || expected.dims.some((d, i) => d !== actual.dims[i]))
    return Infinity;
  const a = expected.data as ArrayLike<number | bigint | string>;
  const b = actual.data as ArrayLike<number | bigint | string>;
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x === 'string' || typeof y === 'string') {
      if (x !== y) return Infinity;
      continue;
    }
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      const d = x > y ? x - y : y - x;
      if (d > 0n) max = Math.max(max, Number(d));
      continue;
    }
    if (Number(x) === Number(y)) continue; // also equal infinities, whose difference is NaN
    const d = Math.abs(Number(x) - Number(y));
    if (Number.isNaN(d)) {
      if (!(Number.isNaN(Number(x)) && Number.isNaN(Number(y)))) return Infinity;
    } else if (d > max) max = d;
  }
  return max;
}

/** The largest finite |element| of a tensor (0 for strings, empty tensors or no finite element). */
export function maxAbsValue(tensor: ort.Tensor): number {
  const data = tensor.data as ArrayLike<number | bigint | string>;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (typeof x === 'string') continue;
    const v = Math.abs(Number(x));
    if (Number.isFinite(v) && v > max) max = v;
  }
  return max;
}

/** The tolerance a split's copy of the whole model's output `expected` is held to (tolerance.ts). */
export const outputTolerance = (expected: ort.Tensor): number => toleranceFor(maxAbsValue(expected));
