import type { ReactNode } from 'react';
import { Icon } from './Icon';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** API ordering field; the column header becomes a sort button when set. */
  sortField?: string;
  className?: string;
}

interface Selection {
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  onTogglePage: (select: boolean) => void;
}

interface DataTableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowId: (row: T) => number;
  rowLabel?: (row: T) => string;
  ordering?: string;
  onOrdering?: (ordering: string) => void;
  selection?: Selection;
  busy?: boolean;
  /**
   * Wide data grid: cells stay on one line (long values are truncated by their column) and the table
   * scrolls inside a box no taller than the window, so its horizontal scrollbar and header stay in view.
   */
  grid?: boolean;
}

/** "name" → "-name" → "" (unsorted) → "name" … */
export function nextOrdering(current: string | undefined, field: string): string {
  if (current === field) return `-${field}`;
  if (current === `-${field}`) return '';
  return field;
}

function SortHeader({ column, ordering, onOrdering }: { column: Column<unknown>; ordering?: string; onOrdering: (o: string) => void }) {
  const field = column.sortField!;
  const direction = ordering === field ? 'ascending' : ordering === `-${field}` ? 'descending' : undefined;
  return (
    <th scope="col" aria-sort={direction ?? 'none'} className={column.className}>
      <button
        type="button"
        className="btn btn-link p-0 text-reset text-decoration-none fw-semibold text-nowrap"
        onClick={() => onOrdering(nextOrdering(ordering, field))}
      >
        {column.header}{' '}
        <Icon
          name={direction === 'ascending' ? 'sort-up' : direction === 'descending' ? 'sort-down' : 'arrow-down-up'}
          className={direction ? '' : 'opacity-50'}
        />
        <span className="visually-hidden">, sort</span>
      </button>
    </th>
  );
}

export function DataTable<T>({ caption, columns, rows, rowId, rowLabel, ordering, onOrdering, selection, busy, grid }: DataTableProps<T>) {
  const pageIds = rows.map(rowId);
  const allSelected = selection !== undefined && pageIds.length > 0 && pageIds.every((id) => selection.selected.has(id));
  return (
    <div className={`table-responsive${grid ? ' table-grid-scroll' : ''}`}>
      <table className={`table table-hover align-middle mb-0${grid ? ' table-sm table-grid' : ''}${busy ? ' opacity-75' : ''}`} aria-busy={busy || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col" style={{ width: '2rem' }}>
                <input
                  type="checkbox"
                  className="form-check-input"
                  aria-label="Select all rows on this page"
                  checked={allSelected}
                  onChange={(event) => selection.onTogglePage(event.target.checked)}
                />
              </th>
            )}
            {columns.map((column) =>
              column.sortField && onOrdering ? (
                <SortHeader key={column.key} column={column as Column<unknown>} ordering={ordering} onOrdering={onOrdering} />
              ) : (
                <th key={column.key} scope="col" className={`text-nowrap ${column.className ?? ''}`}>
                  {column.header}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const id = rowId(row);
            return (
              <tr key={id} className={selection?.selected.has(id) ? 'table-active' : undefined}>
                {selection && (
                  <td>
                    <input
                      type="checkbox"
                      className="form-check-input"
                      aria-label={`Select ${rowLabel ? rowLabel(row) : `row ${id}`}`}
                      checked={selection.selected.has(id)}
                      onChange={() => selection.onToggle(id)}
                    />
                  </td>
                )}
                {columns.map((column) => (
                  <td key={column.key} className={column.className}>
                    {column.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
