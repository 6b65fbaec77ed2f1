import { formatNumber } from '@/lib/format';

interface BulkBarProps {
  selectedCount: number;
  pageCount: number;
  totalCount: number;
  allMatching: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
  onEdit: () => void;
  onRelate: () => void;
}

export function BulkBar({ selectedCount, pageCount, totalCount, allMatching, onSelectAllMatching, onClear, onEdit, onRelate }: BulkBarProps) {
  const count = allMatching ? totalCount : selectedCount;
  return (
    <div className="alert alert-primary d-flex flex-wrap align-items-center gap-2 py-2" role="region" aria-label="Bulk actions">
      <strong>{formatNumber(count)} selected</strong>
      {!allMatching && selectedCount === pageCount && totalCount > pageCount && (
        <button type="button" className="btn btn-link btn-sm p-0" onClick={onSelectAllMatching}>
          Select all {formatNumber(totalCount)} matching assets
        </button>
      )}
      <div className="ms-auto d-flex gap-2">
        <button type="button" className="btn btn-sm btn-primary" onClick={onEdit}>
          Bulk edit
        </button>
        <button type="button" className="btn btn-sm btn-outline-primary" onClick={onRelate}>
          Add relationship
        </button>
        <button type="button" className="btn btn-sm btn-outline-secondary" onClick={onClear}>
          Clear selection
        </button>
      </div>
    </div>
  );
}
