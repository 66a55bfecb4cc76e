import { memo, useMemo, useState } from 'react';
import type { ProfileResult } from '../../shared/studio-api.js';
import { SortableHead } from '../suggest/SortableHead.js';
import { sortRows, type SortKey, type SortState } from '../suggest/sort.js';
import { formatMs } from '../util/format.js';
import { measuredRows, type MeasuredRow } from './measured-rows.js';
import '../suggest/suggest.css';

interface Column {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly numeric: boolean;
  readonly firstDirection: SortState['direction'];
  readonly sortKey: (row: MeasuredRow) => SortKey;
  readonly cell: (row: MeasuredRow) => string;
}

const signed = (pct: number | null): string =>
  pct === null ? '–' : `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;

const COLUMNS: readonly Column[] = [
  {
    id: 'layer',
    label: 'Layer',
    title: "The layer's node name",
    numeric: false,
    firstDirection: 'ascending',
    sortKey: (r) => r.name,
    cell: (r) => r.name,
  },
  {
    id: 'op',
    label: 'Op',
    title: 'The operator',
    numeric: false,
    firstDirection: 'ascending',
    sortKey: (r) => r.opType,
    cell: (r) => r.opType,
  },
  {
    id: 'measured',
    label: 'Measured',
    title:
      'Median kernel time on this machine (kernel-level: as a tier runs it, fused layers inside their anchor)',
    numeric: true,
    firstDirection: 'descending',
    // A fused layer sorts last: its time is in the kernel of the layer it names.
    sortKey: (r) => (r.fusedInto !== undefined ? null : r.measuredMs),
    cell: (r) => (r.fusedInto !== undefined ? `fused into ${r.fusedInto}` : formatMs(r.measuredMs)),
  },
  {
    id: 'predicted',
    label: 'Predicted',
    title: "The calibrated profile's prediction",
    numeric: true,
    firstDirection: 'descending',
    sortKey: (r) => (r.fusedInto !== undefined ? null : r.predictedMs),
    cell: (r) => (r.fusedInto !== undefined ? '–' : formatMs(r.predictedMs)),
  },
  {
    id: 'error',
    label: 'Error',
    title: '(predicted − measured) / measured; sorted by its size, the largest misses first',
    numeric: true,
    firstDirection: 'descending',
    sortKey: (r) => (r.errorPct === null ? null : Math.abs(r.errorPct)),
    cell: (r) => signed(r.errorPct),
  },
];

/** Rows drawn at once: a big model's thousands of layers stay a scrollable page, not a freeze. */
const MAX_ROWS = 300;

/**
 * Per layer of the open model, the time measured on this machine beside the calibrated profile's
 * prediction and the error; the largest misses first, any column sortable by its header.
 */
export const MeasuredTable = memo(function MeasuredTable({ result }: { readonly result: ProfileResult }) {
  const [sort, setSort] = useState<SortState>({ column: 'error', direction: 'descending' });
  const rows = useMemo(() => {
    const column = COLUMNS.find((c) => c.id === sort.column) ?? COLUMNS[4]!;
    return sortRows(measuredRows(result), column.sortKey, sort.direction);
  }, [result, sort]);
  const shown = rows.slice(0, MAX_ROWS);
  return (
    <div className="run-measured">
      <table className="results-table" aria-label="Measured and predicted per layer">
        <SortableHead columns={COLUMNS} sort={sort} onSort={setSort} />
        <tbody>
          {shown.map((row) => (
            <tr key={row.name}>
              {COLUMNS.map((column, i) =>
                i === 0 ? (
                  <th key={column.id} scope="row">
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.id} className={column.numeric ? 'num' : undefined}>
                    {column.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <p className="run-note">
          {shown.length} of {rows.length} layers shown, in this order; sort by another column to see others.
        </p>
      )}
    </div>
  );
});
