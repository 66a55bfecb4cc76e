/**
 * Dimension arithmetic for the compute rules: sliding windows, transposed windows and the small
 * symbolic expressions they produce when an input dimension is a symbol (`H`, `batch`).
 */
import { ShapeError, type Dim, type Shape } from '../types.js';

const TRAILING_CONSTANT = /^(.*[A-Za-z0-9_)\]])([+-]\d+)$/;

/** Wraps a symbolic expression in parentheses unless it is a plain symbol or a call. */
function operand(expr: string): string {
  return /^[A-Za-z0-9_.]+$/.test(expr) || /^(floor|ceil)\(.*\)$/.test(expr) ? expr : `(${expr})`;
}

/** `d + k`; a symbolic dim keeps one trailing constant, so `H-2` plus 2 reads `H` again. */
export function addToDim(d: Dim, k: number): Dim {
  if (typeof d === 'number') return d + k;
  if (d === null || k === 0) return d;
  const match = TRAILING_CONSTANT.exec(d);
  const base = match?.[1] ?? d;
  const total = Number(match?.[2] ?? 0) + k;
  if (total === 0) return base;
  return `${base}${total > 0 ? '+' : ''}${total}`;
}

/** `d * k` for an integer k. */
export function scaleDim(d: Dim, k: number): Dim {
  if (typeof d === 'number') return d * k;
  if (d === null) return null;
  if (k === 1) return d;
  if (k === 0) return 0;
  return `${k}*${operand(d)}`;
}

/** `floor(d / k)` or `ceil(d / k)` for a positive integer k. */
export function divideDim(d: Dim, k: number, round: 'floor' | 'ceil'): Dim {
  if (typeof d === 'number') return round === 'floor' ? Math.floor(d / k) : Math.ceil(d / k);
  if (d === null) return null;
  if (k === 1) return d;
  return `${round}(${operand(d)}/${k})`;
}

/** `a + b` for two dims. */
export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number') return addToDim(b, a);
  if (typeof b === 'number') return addToDim(a, b);
  if (a === null || b === null) return null;
  return `${a}+${b}`;
}

/**
 * Output length of a sliding window (Conv, pooling):
 * `round((in + padBegin + padEnd - (dilation*(kernel-1) + 1)) / stride) + 1`, rounding down, or
 * up in ceil mode. In ceil mode a last window that would start inside the end padding is dropped,
 * as PyTorch and ONNX opset 19+ define it.
 */
export function slidingWindowDim(
  input: Dim,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  ceilMode: boolean,
): Dim {
  const span = dilation * (kernel - 1) + 1;
  if (stride <= 0) throw new ShapeError(`stride ${stride} must be positive`);
  if (typeof input === 'number') {
    const room = input + padBegin + padEnd - span;
    if (room < 0) {
      throw new ShapeError(
        `window of ${span} (kernel ${kernel}, dilation ${dilation}) does not fit input ${input} with pads ${padBegin}+${padEnd}`,
      );
    }
    let out = (ceilMode ? Math.ceil(room / stride) : Math.floor(room / stride)) + 1;
    if (ceilMode && (out - 1) * stride >= input + padBegin) out -= 1;
    return out;
  }
  const room = addToDim(input, padBegin + padEnd - span);
  return addToDim(divideDim(room, stride, ceilMode ? 'ceil' : 'floor'), 1);
}

/** Output length under auto_pad SAME_UPPER / SAME_LOWER: `ceil(in / stride)`. */
export function samePaddedDim(input: Dim, stride: number): Dim {
  return divideDim(input, stride, 'ceil');
}

/**
 * Output length of a transposed window (ConvTranspose, MaxUnpool):
 * `stride*(in - 1) + outputPadding + dilation*(kernel-1) + 1 - padBegin - padEnd`.
 */
export function transposedWindowDim(
  input: Dim,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  outputPadding: number,
): Dim {
  const span = dilation * (kernel - 1) + 1;
  return addToDim(scaleDim(addToDim(input, -1), stride), outputPadding + span - padBegin - padEnd);
}

/** Whether two dims may describe the same length (equal, or either is not a known number). */
function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

/** The better-known of two dims that must be equal; throws when both are different numbers. */
export function unifyDims(a: Dim, b: Dim, what: string): Dim {
  if (!dimsCompatible(a, b)) throw new ShapeError(`${what}: ${String(a)} and ${String(b)} differ`);
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a ?? b;
}

/** The dim at `index` (negative counts from the end), or null when the shape has no such axis. */
export function dimAt(shape: Shape, index: number): Dim {
  return shape.at(index) ?? null;
}
