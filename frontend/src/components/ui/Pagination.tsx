import { useId } from 'react';
import { formatNumber } from '@/lib/format';

export const PAGE_SIZES = [25, 50, 100, 250, 500];

interface PaginationProps {
  page: number;
  pageSize: number;
  count: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
  label?: string;
}

export function Pagination({ page, pageSize, count, onPage, onPageSize, label = 'Pagination' }: PaginationProps) {
  const sizeId = useId();
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const from = count === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(count, page * pageSize);
  return (
    <nav className="d-flex flex-wrap align-items-center justify-content-between gap-2 mt-2" aria-label={label}>
      <div className="text-body-secondary small" aria-live="polite">
        {formatNumber(from)}–{formatNumber(to)} of {formatNumber(count)}
      </div>
      <div className="d-flex align-items-center gap-2">
        {onPageSize && (
          <div className="d-flex align-items-center gap-1">
            <label htmlFor={sizeId} className="small text-body-secondary text-nowrap">
              Rows per page
            </label>
            <select
              id={sizeId}
              className="form-select form-select-sm w-auto"
              value={pageSize}
              onChange={(event) => onPageSize(Number(event.target.value))}
            >
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </div>
        )}
        <ul className="pagination pagination-sm mb-0">
          <li className={`page-item${page <= 1 ? ' disabled' : ''}`}>
            <button type="button" className="page-link" onClick={() => onPage(page - 1)} disabled={page <= 1}>
              Previous
            </button>
          </li>
          <li className="page-item disabled">
            <span className="page-link text-nowrap">
              Page {page} of {formatNumber(pages)}
            </span>
          </li>
          <li className={`page-item${page >= pages ? ' disabled' : ''}`}>
            <button type="button" className="page-link" onClick={() => onPage(page + 1)} disabled={page >= pages}>
              Next
            </button>
          </li>
        </ul>
      </div>
    </nav>
  );
}
