import { useFilterOptions } from '@/api/assets';
import {
  addTag,
  clearFilters,
  DATE_FILTERS,
  FLAG_FILTERS,
  LIST_FILTERS,
  listValues,
  MISSING_OPTIONS,
  removeTag,
  setParam,
  toggleFilterValue,
  toggleMissing,
  type FilterMode,
} from '@/lib/assetFilters';
import { normalizeOptions } from '@/lib/filterOptions';
import { humanize } from '@/lib/format';
import { CheckboxField, SelectField, TextField } from '@/components/ui/FormField';
import { ErrorState } from '@/components/ui/States';
import { FilterGroup } from './FilterGroup';
import { TagFilter } from './TagFilter';

const LABELS: Record<string, string> = {
  asset_type: 'Asset type',
  data_classification: 'Classification',
  resource_type: 'Resource type',
};

const MISSING_LABELS: Record<string, string> = {
  owner: 'No owner',
  department: 'No department',
  category: 'No category',
  criticality: 'No criticality',
  classification: 'No classification',
  review: 'Review overdue (or never)',
};

const FLAG_LABELS: Record<string, string> = {
  personal_data: 'Personal data',
  gdpr_relevant: 'GDPR relevant',
  backup_enabled: 'Backup enabled',
  monitoring_enabled: 'Monitoring enabled',
};

interface FilterSidebarProps {
  params: URLSearchParams;
  onChange: (params: URLSearchParams) => void;
  /** False holds back the request for the filter values (the groups show without values meanwhile). */
  loadOptions?: boolean;
}

export function FilterSidebar({ params, onChange, loadOptions = true }: FilterSidebarProps) {
  const options = useFilterOptions({ enabled: loadOptions });
  const byField = normalizeOptions(options.data);
  const onToggle = (field: string, value: string, mode: FilterMode) => onChange(toggleFilterValue(params, field, value, mode));
  const missing = listValues(params, 'missing');

  return (
    <aside className="filter-sidebar" aria-label="Filters">
      <div className="d-flex justify-content-between align-items-center mb-1">
        <h2 className="h6 mb-0">Filters</h2>
        <button type="button" className="btn btn-link btn-sm p-0" onClick={() => onChange(clearFilters(params))}>
          Clear all
        </button>
      </div>
      {options.error ? <ErrorState error={options.error} title="Filter values unavailable" /> : null}
      {LIST_FILTERS.map((field) => (
        <FilterGroup key={field} field={field} label={LABELS[field] ?? humanize(field)} options={byField[field] ?? []} params={params} onToggle={onToggle} />
      ))}
      <TagFilter
        params={params}
        onAdd={(tag, mode) => onChange(addTag(params, tag, mode))}
        onRemove={(tag, mode) => onChange(removeTag(params, tag, mode))}
      />
      <details className="border-bottom py-2" open={missing.length > 0}>
        <summary className="fw-semibold small">Compliance gaps</summary>
        <div className="mt-2">
          {MISSING_OPTIONS.map((what) => (
            <CheckboxField
              key={what}
              wrapperClassName="mb-1 small"
              label={MISSING_LABELS[what]}
              checked={missing.includes(what)}
              onChange={() => onChange(toggleMissing(params, what))}
            />
          ))}
        </div>
      </details>
      <details className="border-bottom py-2" open={FLAG_FILTERS.some((name) => params.has(name))}>
        <summary className="fw-semibold small">Flags</summary>
        <div className="mt-2">
          {FLAG_FILTERS.map((name) => (
            <SelectField
              key={name}
              label={FLAG_LABELS[name]}
              wrapperClassName="mb-2 small"
              value={params.get(name) ?? ''}
              onChange={(event) => onChange(setParam(params, name, event.target.value))}
              options={[
                { value: '', label: 'Any' },
                { value: 'true', label: 'Yes' },
                { value: 'false', label: 'No' },
              ]}
            />
          ))}
        </div>
      </details>
      <details className="py-2" open={DATE_FILTERS.some((name) => params.has(name))}>
        <summary className="fw-semibold small">Seen between</summary>
        <div className="mt-2">
          {DATE_FILTERS.map((name) => (
            <TextField
              key={name}
              type="date"
              label={humanize(name)}
              wrapperClassName="mb-2 small"
              className="form-control form-control-sm"
              value={params.get(name) ?? ''}
              onChange={(event) => onChange(setParam(params, name, event.target.value))}
            />
          ))}
        </div>
      </details>
    </aside>
  );
}
