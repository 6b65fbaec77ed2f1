import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useAssets } from '@/api/assets';
import { useAuth } from '@/contexts/AuthContext';
import { useAfterPaint } from '@/hooks/useAfterPaint';
import { useListParams } from '@/hooks/useListParams';
import { useStoredState } from '@/hooks/useStoredState';
import { ASSET_COLUMNS, COLUMNS_STORAGE_KEY, DEFAULT_COLUMNS } from '@/components/assets/assetColumns';
import { BulkBar } from '@/components/assets/BulkBar';
import { BulkEditModal, type BulkTarget } from '@/components/assets/BulkEditModal';
import { BulkRelationshipModal } from '@/components/assets/BulkRelationshipModal';
import { ColumnChooser } from '@/components/assets/ColumnChooser';
import { ExportButtons } from '@/components/assets/ExportButtons';
import { FilterSidebar } from '@/components/assets/FilterSidebar';
import { SavedViews } from '@/components/assets/SavedViews';
import { SearchBox } from '@/components/assets/SearchBox';
import { DataTable } from '@/components/ui/DataTable';
import { Icon } from '@/components/ui/Icon';
import { PageHeader } from '@/components/ui/PageHeader';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { activeFilterCount, clearFilters, filterQuery, pageOf, pageSizeOf, setParam, showsRemoved } from '@/lib/assetFilters';
import { formatNumber } from '@/lib/format';

interface Selection {
  query: string;
  ids: Set<number>;
  allMatching: boolean;
}

export default function AssetsPage() {
  const { params, query, update } = useListParams();
  const { isEditor } = useAuth();
  const assets = useAssets(query);
  // Filter values and saved views wait until the first rows are on screen: they are not needed to
  // read the list, and before, their requests and renders competed with it.
  const showExtras = useAfterPaint(!assets.isPending);
  const [columnKeys, setColumnKeys] = useStoredState<string[]>(COLUMNS_STORAGE_KEY, DEFAULT_COLUMNS);
  // Remembered: someone who hides the filters to give the table room wants them hidden next time too.
  const [showFilters, setShowFilters] = useStoredState<boolean>('cloudtally.assets.showFilters', true);
  const [modal, setModal] = useState<'edit' | 'relate' | null>(null);
  const filters = filterQuery(params);
  const [selectionState, setSelection] = useState<Selection>({ query: filters, ids: new Set(), allMatching: false });
  // A selection belongs to the filters it was made under; changing them starts afresh.
  const selection = selectionState.query === filters ? selectionState : { query: filters, ids: new Set<number>(), allMatching: false };

  const columns = useMemo(() => ASSET_COLUMNS.filter((c) => columnKeys.includes(c.key)), [columnKeys]);
  const rows = assets.data?.results ?? [];
  const count = assets.data?.count ?? 0;
  const ordering = params.get('ordering') ?? '';

  const toggle = (id: number) => {
    const ids = new Set(selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    setSelection({ query: filters, ids, allMatching: false });
  };
  const togglePage = (select: boolean) => {
    const ids = new Set(selection.ids);
    rows.forEach((row) => (select ? ids.add(row.id) : ids.delete(row.id)));
    setSelection({ query: filters, ids, allMatching: false });
  };
  const clearSelection = () => setSelection({ query: filters, ids: new Set(), allMatching: false });
  const bulkTarget: BulkTarget = selection.allMatching
    ? { query: filters, count }
    : { ids: [...selection.ids], count: selection.ids.size };

  return (
    <>
      <PageHeader
        title="Assets"
        subtitle={assets.data ? `${formatNumber(count)} assets${activeFilterCount(params) ? ' match the filters' : ''}` : undefined}
        actions={
          isEditor && (
            <>
              <Link to="/assets/import" className="btn btn-outline-primary">
                <Icon name="upload" /> Import CSV
              </Link>
              <Link to="/assets/new" className="btn btn-primary">
                <Icon name="plus-lg" /> New asset
              </Link>
            </>
          )
        }
      />
      <div className="d-flex gap-4 align-items-start">
        {showFilters && <FilterSidebar params={params} onChange={(next) => update(next)} loadOptions={showExtras} />}
        <div className="flex-grow-1" style={{ minWidth: 0 }}>
          <div className="d-flex flex-wrap gap-2 align-items-center mb-3">
            <button
              type="button"
              className="btn btn-outline-secondary"
              aria-pressed={showFilters}
              onClick={() => setShowFilters(!showFilters)}
            >
              <Icon name="funnel" /> {showFilters ? 'Hide filters' : 'Show filters'}
              {activeFilterCount(params) > 0 && <span className="badge text-bg-primary ms-1">{activeFilterCount(params)}</span>}
            </button>
            <SearchBox value={params.get('q') ?? ''} onSearch={(text) => update(setParam(params, 'q', text), { replace: true })} />
            <div className="form-check form-switch mb-0">
              <input
                id="include-removed"
                className="form-check-input"
                type="checkbox"
                role="switch"
                checked={showsRemoved(params)}
                onChange={(e) => update(setParam(params, 'include_removed', e.target.checked ? 'true' : null))}
              />
              <label className="form-check-label" htmlFor="include-removed">
                Show removed &amp; decommissioned
              </label>
            </div>
            <div className="ms-auto d-flex flex-wrap gap-2">
              <SavedViews query={filters} columns={columnKeys} onApplyColumns={setColumnKeys} load={showExtras} />
              <ColumnChooser visible={columnKeys} onChange={setColumnKeys} />
              <ExportButtons query={query} />
            </div>
          </div>
          {isEditor && (selection.ids.size > 0 || selection.allMatching) && (
            <BulkBar
              selectedCount={selection.ids.size}
              pageCount={rows.length}
              totalCount={count}
              allMatching={selection.allMatching}
              onSelectAllMatching={() => setSelection({ ...selection, allMatching: true })}
              onClear={clearSelection}
              onEdit={() => setModal('edit')}
              onRelate={() => setModal('relate')}
            />
          )}
          {assets.isPending ? (
            <LoadingState label="Loading assets…" />
          ) : assets.error ? (
            <ErrorState error={assets.error} onRetry={() => assets.refetch()} />
          ) : rows.length === 0 ? (
            <EmptyState title="No assets match" icon="search">
              {activeFilterCount(params) > 0 && (
                <button type="button" className="btn btn-link" onClick={() => update(clearFilters(params))}>
                  Clear all filters
                </button>
              )}
            </EmptyState>
          ) : (
            <>
              <div className="card">
                <DataTable
                  caption="Assets"
                  columns={columns}
                  rows={rows}
                  rowId={(row) => row.id}
                  rowLabel={(row) => row.name || row.asset_id}
                  ordering={ordering}
                  onOrdering={(next) => update(setParam(params, 'ordering', next))}
                  busy={assets.isPlaceholderData}
                  grid
                  selection={isEditor ? { selected: selection.allMatching ? new Set(rows.map((r) => r.id)) : selection.ids, onToggle: toggle, onTogglePage: togglePage } : undefined}
                />
              </div>
              <Pagination
                label="Asset pages"
                page={pageOf(params)}
                pageSize={pageSizeOf(params)}
                count={count}
                onPage={(page) => update(setParam(params, 'page', page > 1 ? String(page) : null))}
                onPageSize={(size) => update(setParam(params, 'page_size', String(size)))}
              />
            </>
          )}
        </div>
      </div>
      {modal === 'edit' && <BulkEditModal target={bulkTarget} onClose={() => setModal(null)} onDone={clearSelection} />}
      {modal === 'relate' && <BulkRelationshipModal target={bulkTarget} onClose={() => setModal(null)} onDone={clearSelection} />}
    </>
  );
}
