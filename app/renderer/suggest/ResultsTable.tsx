/**
 * A results table whose rows are placements: sortable by clicking a column's header (aria-sort
 * says how), hovering or focusing a row previews its placement, clicking it or pressing Enter
 * applies it; arrow keys move between rows (one row is in the Tab order, the last one focused,
 * so Tab leaves a long table in one step). Rows listed in `fixedRows` stay on top whatever the
 * sort (the current design, to compare with).
 */
import { memo, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { SortableHead } from './SortableHead.js';
import { sortRows, type SortKey, type SortState } from './sort.js';

export interface ResultColumn<R> {
  readonly id: string;
  readonly label: string;
  /** Tooltip of the header: what the column means. */
  readonly title: string;
  readonly numeric?: boolean;
  /** Lower first for numbers where lower is better; throughput and the like start descending. */
  readonly firstDirection?: SortState['direction'];
  readonly sortKey: (row: R) => SortKey;
  readonly cell: (row: R) => ReactNode;
}

export interface ResultsTableProps<R> {
  readonly label: string;
  readonly columns: readonly ResultColumn<R>[];
  readonly fixedRows: readonly R[];
  readonly rows: readonly R[];
  readonly rowKey: (row: R) => string;
  readonly sort: SortState | null;
  readonly onSort: (sort: SortState) => void;
  /** Null when the pointer or focus leaves the rows. */
  readonly onPreview: (row: R | null) => void;
  readonly onApply: (row: R) => void;
  /** Whether the row can be previewed and applied now (else it is shown only). */
  readonly canApply: (row: R) => boolean;
  /** The design is this row's placement now. */
  readonly isApplied: (row: R) => boolean;
  /** What the row's tooltip says it does when clicked. */
  readonly rowTitle: (row: R) => string;
}

function ResultsTableInner<R>(props: ResultsTableProps<R>) {
  const { columns, sort, rows } = props;
  const sorted = useMemo(() => {
    const column = sort ? columns.find((c) => c.id === sort.column) : undefined;
    return column && sort ? sortRows(rows, column.sortKey, sort.direction) : rows;
  }, [columns, rows, sort]);

  const [activeKey, setActiveKey] = useState<string | null>(null);
  const keys = [...props.fixedRows, ...sorted].map(props.rowKey);
  const tabbable = activeKey !== null && keys.includes(activeKey) ? activeKey : (keys[0] ?? null);

  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, row: R): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (props.canApply(row)) props.onApply(row);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next =
        event.key === 'ArrowDown'
          ? event.currentTarget.nextElementSibling
          : event.currentTarget.previousElementSibling;
      if (next instanceof HTMLElement) next.focus();
    }
  };

  const renderRow = (row: R, fixed: boolean) => {
    const applicable = props.canApply(row);
    const applied = props.isApplied(row);
    const key = props.rowKey(row);
    return (
      <tr
        key={key}
        tabIndex={key === tabbable ? 0 : -1}
        data-fixed={fixed || undefined}
        data-applied={applied || undefined}
        data-disabled={!applicable || undefined}
        aria-current={applied ? 'true' : undefined}
        title={props.rowTitle(row)}
        onMouseEnter={() => props.onPreview(applicable ? row : null)}
        onFocus={() => {
          setActiveKey(key);
          props.onPreview(applicable ? row : null);
        }}
        onClick={() => applicable && props.onApply(row)}
        onKeyDown={(event) => onKeyDown(event, row)}
      >
        {columns.map((column, i) =>
          i === 0 ? (
            <th key={column.id} scope="row" className={column.numeric ? 'num' : undefined}>
              {column.cell(row)}
            </th>
          ) : (
            <td key={column.id} className={column.numeric ? 'num' : undefined}>
              {column.cell(row)}
            </td>
          ),
        )}
      </tr>
    );
  };

  return (
    <table className="results-table" aria-label={props.label}>
      <SortableHead columns={columns} sort={sort} onSort={props.onSort} />
      <tbody
        onMouseLeave={() => props.onPreview(null)}
        onBlur={(event) => {
          // Focus moving to another row previews that one; leaving the rows clears.
          if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)))
            props.onPreview(null);
        }}
      >
        {props.fixedRows.map((row) => renderRow(row, true))}
        {sorted.map((row) => renderRow(row, false))}
      </tbody>
    </table>
  );
}

export const ResultsTable = memo(ResultsTableInner) as typeof ResultsTableInner;
