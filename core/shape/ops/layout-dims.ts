/**
 * Dim arithmetic for the layout rules: sums, products and quotients that stay readable when a
 * dim is a symbol (`N+2`, `2*N`, `(N-1)/2`), and merging of alternatives (If branches, sequence
 * elements, loop iterations).
 */
import { dimProduct } from '../dims.js';
import type { Dim, InferContext, Shape } from '../types.js';

/** Wraps a compound symbolic expression in parentheses so it can be a factor or dividend. */
function asFactor(symbol: string): string {
  return /^[\w.]+$/.test(symbol) || /^\(.*\)$/.test(symbol) ? symbol : `(${symbol})`;
}

/** d + k, folding a trailing constant of a symbolic expression (`N+2` + 1 → `N+3`). */
export function addDim(d: Dim, k: number): Dim {
  if (d === null) return null;
  if (typeof d === 'number') return d + k;
  if (k === 0) return d;
  const m = /^(.*[^+-])([+-]\d+)$/.exec(d);
  const base = m?.[1] ?? d;
  const total = (m?.[2] ? Number(m[2]) : 0) + k;
  if (total === 0) return base;
  return `${base}${total > 0 ? '+' : ''}${total}`;
}

/** Sum of two dims: numbers add, a symbol plus a number folds, two symbols join with `+`. */
export function sumDims(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof b === 'number') return addDim(a, b);
  if (typeof a === 'number') return addDim(b, a);
  return `${a}+${b}`;
}

/** Product of dims; compound symbolic factors are parenthesised (dimProduct joins with `*`). */
export function productDims(dims: readonly Dim[]): Dim {
  return dimProduct(dims.map((d) => (typeof d === 'string' ? asFactor(d) : d)));
}

/**
 * d / k for a dim that must divide evenly (DepthToSpace's channels, Split's equal parts);
 * a symbolic `k*X` folds, otherwise the quotient is written out.
 */
export function divideDim(d: Dim, k: number): Dim {
  if (d === null || k === 1) return d;
  if (typeof d === 'number') return d / k;
  const m = /^(\d+)\*(.+)$/.exec(d);
  if (m?.[1] && m[2] && Number(m[1]) % k === 0) {
    const rest = Number(m[1]) / k;
    return rest === 1 ? m[2] : `${rest}*${m[2]}`;
  }
  return `${asFactor(d)}/${k}`;
}

/** floor(d / k) for a symbolic or known dim. */
export function floorDivDim(d: Dim, k: number): Dim {
  if (d === null || k === 1) return d;
  if (typeof d === 'number') return Math.floor(d / k);
  return `floor(${asFactor(d)}/${k})`;
}

/**
 * One dim standing for two alternatives (If branches, loop iterations, sequence elements):
 * equal dims are kept, differing known dims become a fresh symbol, unknown stays unknown.
 */
export function mergeDim(ctx: InferContext, a: Dim, b: Dim, hint: string): Dim {
  if (a === b) return a;
  if (a === null || b === null) return null;
  return ctx.freshSymbol(hint);
}

/** Merges two shapes dim by dim; null when either rank is unknown or the ranks differ. */
export function mergeShape(ctx: InferContext, a: Shape | null, b: Shape | null, hint: string): Shape | null {
  if (a === null || b === null || a.length !== b.length) return null;
  if (a.every((d, i) => d === b[i])) return a;
  return a.map((d, i) => mergeDim(ctx, d, b[i] ?? null, hint));
}
