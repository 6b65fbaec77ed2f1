import type { FocusEvent, ReactNode } from 'react';
import { Icon } from './Icon';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** API ordering field; the column header becomes a sort button when set. */
  sortField?: string;
  className?: string;
  /**
   * Pinned at the left edge while a `grid` table scrolls sideways (one column per table, with the
   * selection checkboxes pinned before it).
   */
  sticky?: boolean;
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

const cellClass = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ') || undefined;

/** Classes of a column's cells: its own, plus the pinned-column ones in a grid. */
const columnClass = (column: Column<unknown>, grid?: boolean) => cellClass(column.className, grid && column.sticky && 'col-sticky col-sticky-last');

/**
 * Keeps what the keyboard focuses out from under the pinned column: a header button or cell scrolled
 * (partly) beneath it is scrolled back into the open. (Scroll padding would do this too, but it also
 * scrolls the grid back to its start whenever a pinned cell itself gets focus.)
 */
function revealFromUnderPinned(event: FocusEvent<HTMLDivElement>) {
  const box = event.currentTarget;
  const target = event.target;
  if (!(target instanceof HTMLElement) || target.closest('.col-sticky') || !target.matches(':focus-visible')) return;
  const pinned = box.querySelector('thead .col-sticky-last');
  if (!pinned) return;
  const hidden = pinned.getBoundingClientRect().right - target.getBoundingClientRect().left;
  if (hidden > 0) box.scrollLeft -= hidden + 8;
}

function SortHeader({ column, ordering, onOrdering, grid }: { column: Column<unknown>; ordering?: string; onOrdering: (o: string) => void; grid?: boolean }) {
  const field = column.sortField!;
  const direction = ordering === field ? 'ascending' : ordering === `-${field}` ? 'descending' : undefined;
  return (
    <th scope="col" aria-sort={direction ?? 'none'} className={columnClass(column, grid)}>
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
  const pinned = Boolean(grid && columns.some((column) => column.sticky));
  // With a pinned column the checkboxes are pinned too (before it), so a row stays selectable.
  const selectClass = cellClass('col-select', pinned && 'col-sticky');
  return (
    <div className={`table-responsive${grid ? ' table-grid-scroll' : ''}`} onFocus={pinned ? revealFromUnderPinned : undefined}>
      <table className={`table table-hover align-middle mb-0${grid ? ' table-sm table-grid' : ''}${busy ? ' opacity-75' : ''}`} aria-busy={busy || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col" className={selectClass}>
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
                <SortHeader key={column.key} column={column as Column<unknown>} ordering={ordering} onOrdering={onOrdering} grid={grid} />
              ) : (
                <th key={column.key} scope="col" className={cellClass('text-nowrap', columnClass(column as Column<unknown>, grid))}>
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
                  <td className={selectClass}>
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
                  <td key={column.key} className={columnClass(column as Column<unknown>, grid)}>
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
