/**
 * The header row of a sortable table: each column's header is a button that sorts by it (its
 * tooltip says what the column holds), aria-sort says how the table is sorted, and a mark shows
 * the direction. The suggestion tables and the This machine tab's measured table share it.
 */
import { ariaSortOf, nextSort, type SortState } from './sort.js';

export interface SortableColumn {
  readonly id: string;
  readonly label: string;
  /** Tooltip of the header: what the column means. */
  readonly title: string;
  readonly numeric?: boolean;
  /** Lower first for numbers where lower is better; throughput and the like start descending. */
  readonly firstDirection?: SortState['direction'];
}

export function SortableHead(props: {
  readonly columns: readonly SortableColumn[];
  readonly sort: SortState | null;
  readonly onSort: (sort: SortState) => void;
}) {
  const { columns, sort, onSort } = props;
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th
            key={column.id}
            scope="col"
            aria-sort={ariaSortOf(sort, column.id)}
            className={column.numeric ? 'num' : undefined}
          >
            <button
              type="button"
              title={`${column.title} (click to sort)`}
              onClick={() => onSort(nextSort(sort, column.id, column.firstDirection))}
            >
              {column.label}
              <span className="sort-mark" aria-hidden="true">
                {sort?.column === column.id ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
              </span>
            </button>
          </th>
        ))}
      </tr>
    </thead>
  );
}
