import { useId, useState } from 'react';
import { filterMode, listValues, type FilterMode } from '@/lib/assetFilters';
import { optionLabel, type FilterOption } from '@/lib/filterOptions';
import { humanize } from '@/lib/format';
import { Icon } from '@/components/ui/Icon';

interface FilterGroupProps {
  field: string;
  label?: string;
  options: FilterOption[];
  params: URLSearchParams;
  onToggle: (field: string, value: string, mode: FilterMode) => void;
}

const SEARCH_THRESHOLD = 8;

/** One filter of the sidebar: every value can be included (✓) or excluded (⊘). */
export function FilterGroup({ field, label = humanize(field), options, params, onToggle }: FilterGroupProps) {
  const [search, setSearch] = useState('');
  const searchId = useId();
  const active = listValues(params, field).length + listValues(params, `${field}_exclude`).length;
  // Values in the URL but not (or no longer) among the options still show, so they can be removed.
  const known = new Set(options.map((o) => o.value));
  const extra = [...listValues(params, field), ...listValues(params, `${field}_exclude`)]
    .filter((value) => !known.has(value))
    .map((value): FilterOption => ({ value, label: value }));
  const all = [...extra, ...options];
  const needle = search.trim().toLowerCase();
  const shown = needle ? all.filter((o) => optionLabel(o).toLowerCase().includes(needle) || o.value.toLowerCase().includes(needle)) : all;

  return (
    <details className="border-bottom py-2" open={active > 0}>
      <summary className="fw-semibold small">
        <span>{label}</span>
        {active > 0 && <span className="badge rounded-pill text-bg-primary float-end">{active}</span>}
      </summary>
      {all.length > SEARCH_THRESHOLD && (
        <div className="mt-2">
          <label htmlFor={searchId} className="visually-hidden">
            Search {label} values
          </label>
          <input
            id={searchId}
            className="form-control form-control-sm"
            placeholder={`Search ${label.toLowerCase()}…`}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
      )}
      <ul className="list-unstyled mb-0 mt-2 filter-values" aria-label={`${label} values`}>
        {shown.length === 0 && <li className="small text-body-secondary">No values</li>}
        {shown.map((option) => {
          const mode = filterMode(params, field, option.value);
          const text = optionLabel(option);
          return (
            <li key={option.value} className="d-flex align-items-center gap-1 py-1">
              <button
                type="button"
                className={`btn btn-filter-toggle ${mode === 'include' ? 'btn-primary' : 'btn-outline-secondary'}`}
                aria-pressed={mode === 'include'}
                aria-label={`Include ${label}: ${text}`}
                title="Include"
                onClick={() => onToggle(field, option.value, 'include')}
              >
                <Icon name="check-lg" />
              </button>
              <button
                type="button"
                className={`btn btn-filter-toggle ${mode === 'exclude' ? 'btn-danger' : 'btn-outline-secondary'}`}
                aria-pressed={mode === 'exclude'}
                aria-label={`Exclude ${label}: ${text}`}
                title="Exclude"
                onClick={() => onToggle(field, option.value, 'exclude')}
              >
                <Icon name="slash-circle" />
              </button>
              <span className={`small text-truncate flex-grow-1${mode === 'exclude' ? ' text-decoration-line-through' : ''}`} title={text}>
                {text}
              </span>
              {option.count !== undefined && <span className="small text-body-secondary">{option.count}</span>}
            </li>
          );
        })}
      </ul>
    </details>
  );
}
