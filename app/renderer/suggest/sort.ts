/** Sorting a results table by one column: click a header to sort, again to reverse. */

export interface SortState {
  readonly column: string;
  readonly direction: 'ascending' | 'descending';
}

/** A cell's sort key: numbers and text compare as such; null (no value) sorts last either way. */
export type SortKey = number | string | boolean | null;

/** The state after clicking `column`'s header: ascending first, then reversed, per column. */
export function nextSort(
  current: SortState | null,
  column: string,
  firstDirection: SortState['direction'] = 'ascending',
): SortState {
  if (current?.column === column) {
    return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  return { column, direction: firstDirection };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/**
 * `rows` sorted by `key` in `direction`, stably (equal keys keep their order, so the solver's
 * order breaks ties); rows without a value go last in both directions. A new array.
 */
export function sortRows<T>(
  rows: readonly T[],
  key: (row: T) => SortKey,
  direction: SortState['direction'],
): T[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, k: key(row) }))
    .sort((x, y) => {
      const xNull = x.k === null || (typeof x.k === 'number' && Number.isNaN(x.k));
      const yNull = y.k === null || (typeof y.k === 'number' && Number.isNaN(y.k));
      if (xNull || yNull) return xNull === yNull ? x.i - y.i : xNull ? 1 : -1;
      return sign * compareKeys(x.k, y.k) || x.i - y.i;
    })
    .map((entry) => entry.row);
}

/** The aria-sort of a column header. */
export function ariaSortOf(sort: SortState | null, column: string): 'ascending' | 'descending' | 'none' {
  return sort?.column === column ? sort.direction : 'none';
}
