/**
 * Element operators over shape entries that may be symbols (`batch`, `seq`): what Add, Sub, Mul,
 * Div and Equal give when Shape read a symbolic dim and the graph does arithmetic on it, as
 * PyTorch exports of `x.view(x.size(0) * x.size(1), -1)` or `expand_as` do. Each returns
 * undefined when the result is not a dim it can write down.
 */
import { dimProduct } from '../dims.js';
import type { Dim } from '../types.js';
import { addDims, addToDim, divideDim } from './compute-dims.js';

export type SymbolicOp = (args: readonly Dim[]) => Dim | undefined;

/** A compound expression as a factor or subtrahend: `N+1` becomes `(N+1)`. */
function factor(d: string): string {
  return /^[\w.]+$/.test(d) || /^(floor|ceil)?\(.*\)$/.test(d) ? d : `(${d})`;
}

export const symbolicAdd: SymbolicOp = ([a = null, b = null]) => addDims(a, b) ?? undefined;

export const symbolicSub: SymbolicOp = ([a = null, b = null]) => {
  if (a === null || b === null) return undefined;
  if (typeof b === 'number') return addToDim(a, -b);
  if (a === b) return 0;
  return `${a}-${factor(b)}`;
};

export const symbolicMul: SymbolicOp = ([a = null, b = null]) => {
  if (a === null || b === null) return undefined;
  if (a === 0 || b === 0) return 0;
  if (a === 1) return b;
  if (b === 1) return a;
  return dimProduct([a, b].map((d) => (typeof d === 'string' ? factor(d) : d))) ?? undefined;
};

/** Integer division of a dim by a positive number (dims are never negative, so it floors). */
export const symbolicDiv: SymbolicOp = ([a = null, b = null]) => {
  if (a === null || b === null) return undefined;
  if (a === b) return 1;
  if (typeof b !== 'number' || b <= 0) return undefined;
  if (typeof a === 'string') {
    const scaled = /^(\d+)\*(.+)$/.exec(a);
    if (scaled?.[1] && scaled[2] && Number(scaled[1]) % b === 0) {
      const rest = Number(scaled[1]) / b;
      return rest === 1 ? scaled[2] : `${rest}*${scaled[2]}`;
    }
  }
  return divideDim(a, b, 'floor');
};

/**
 * Equality of entries: identical entries are equal; a dim (never negative) differs from any
 * negative number, which settles the `Equal(shape, -1)` test exporters put before Where.
 */
export const symbolicEqual: SymbolicOp = ([a = null, b = null]) => {
  if (a === null || b === null) return undefined;
  if (a === b) return 1;
  if ((typeof a === 'number' && a < 0) || (typeof b === 'number' && b < 0)) return 0;
  return undefined;
};

/** Where over entries: the condition must be known numbers. */
export const symbolicWhere: SymbolicOp = ([c = null, x = null, y = null]) => {
  if (typeof c !== 'number') return undefined;
  return (c !== 0 ? x : y) ?? undefined;
};
