import { ShapeError, type Dim, type Shape } from './types.js';

/** Element count of a shape, or null when any dimension is not a known number. */
export function elementCount(shape: Shape | null): number | null {
  if (shape === null) return null;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

export function isKnownShape(shape: Shape | null): shape is readonly number[] {
  return shape !== null && shape.every((d) => typeof d === 'number');
}

/** Normalises a possibly negative axis against `rank`; throws when out of range. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ShapeError(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

function sameDim(a: Dim, b: Dim): boolean {
  return a !== null && a === b;
}

/** NumPy-style multidirectional broadcasting of two or more shapes. */
export function broadcastShapes(shapes: readonly (Shape | null)[]): Shape | null {
  if (shapes.some((s) => s === null)) return null;
  const known = shapes as readonly Shape[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of known) {
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1) dim = d;
      else if (typeof d === 'number' && typeof dim === 'number') {
        if (d !== dim) throw new ShapeError(`cannot broadcast dimensions ${dim} and ${d}`);
      } else if (!sameDim(dim, d)) {
        // One side is symbolic or unknown: a known size > 1 wins; then a symbol, which an
        // unknown dimension can only equal or broadcast to (unless both are different symbols).
        if (typeof d === 'number') dim = d;
        else if (typeof dim !== 'number') dim = dim === null ? d : d === null ? dim : null;
      }
    }
    out.push(dim);
  }
  return out;
}

/** Product of dims as a Dim: a number when all are known, a symbol expression when some are symbols. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let known = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (d === null) return null;
    if (typeof d === 'number') known *= d;
    else symbols.push(d);
  }
  if (symbols.length === 0) return known;
  if (known === 0) return 0;
  return [...(known === 1 ? [] : [String(known)]), ...symbols].join('*');
}

/**
 * Output length of a sliding window (Conv, pooling):
 * floor or ceil((in + padBegin + padEnd - dilation*(kernel-1) - 1) / stride) + 1.
 */
export function windowOutput(
  input: Dim,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation = 1,
  ceilMode = false,
): Dim {
  const span = dilation * (kernel - 1) + 1;
  if (typeof input !== 'number') {
    if (input === null) return null;
    const pads = padBegin + padEnd - span;
    const inner = pads === 0 ? input : `${input}${pads > 0 ? '+' : ''}${pads}`;
    const round = ceilMode ? 'ceil' : 'floor';
    return stride === 1 ? `${inner}+1` : `${round}((${inner})/${stride})+1`;
  }
  const numer = input + padBegin + padEnd - span;
  const out = (ceilMode ? Math.ceil(numer / stride) : Math.floor(numer / stride)) + 1;
  if (out <= 0)
    throw new ShapeError(
      `window of ${span} (kernel ${kernel}, dilation ${dilation}) does not fit input ${input} with pads ${padBegin}+${padEnd}`,
    );
  return out;
}
