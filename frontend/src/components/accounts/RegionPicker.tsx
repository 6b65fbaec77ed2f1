import { useId, useState } from 'react';
import { useRegions } from '@/api/accounts';
import { ErrorState, LoadingState } from '@/components/ui/States';

interface RegionPickerProps {
  value: string[];
  onChange: (regions: string[]) => void;
  error?: string[];
}

/** Regions from the API's list; none chosen means "every region enabled for the account". */
export function RegionPicker({ value, onChange, error }: RegionPickerProps) {
  const regions = useRegions();
  const [search, setSearch] = useState('');
  const searchId = useId();
  const toggle = (code: string) => onChange(value.includes(code) ? value.filter((c) => c !== code) : [...value, code]);
  const needle = search.toLowerCase();
  const shown = (regions.data ?? []).filter((r) => !needle || r.code.includes(needle) || r.name.toLowerCase().includes(needle));

  return (
    <fieldset className="mb-3">
      <legend className="form-label fs-6 mb-1">Regions</legend>
      <div className="form-text mt-0 mb-2">
        {value.length === 0 ? 'None selected: every region enabled for the account is scanned.' : `${value.length} selected.`}{' '}
        {value.length > 0 && (
          <button type="button" className="btn btn-link btn-sm p-0 align-baseline" onClick={() => onChange([])}>
            Clear (scan all enabled regions)
          </button>
        )}
      </div>
      {/* The chosen regions stay in view whatever the list below is scrolled to or filtered by. */}
      {value.length > 0 && (
        <ul className="list-unstyled d-flex flex-wrap gap-1 mb-2" aria-label="Selected regions">
          {[...value].sort().map((code) => (
            <li key={code}>
              <span className="badge rounded-pill text-bg-primary d-inline-flex align-items-center gap-1 font-monospace fw-normal">
                {code}
                <button
                  type="button"
                  className="btn-close btn-close-white"
                  style={{ fontSize: '0.55rem' }}
                  aria-label={`Remove ${code}`}
                  onClick={() => toggle(code)}
                />
              </span>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={searchId} className="visually-hidden">
        Search regions
      </label>
      <input id={searchId} className="form-control form-control-sm mb-2" placeholder="Search regions…" value={search} onChange={(e) => setSearch(e.target.value)} />
      {regions.isPending && <LoadingState label="Loading regions…" />}
      {regions.error && <ErrorState error={regions.error} title="Regions unavailable" />}
      <div className="row row-cols-1 row-cols-sm-2 g-1 border rounded p-2" style={{ maxHeight: '16rem', overflowY: 'auto' }}>
        {shown.map((region) => (
          <div className="col" key={region.code}>
            <div className="form-check small">
              <input className="form-check-input" type="checkbox" id={`region-${region.code}`} checked={value.includes(region.code)} onChange={() => toggle(region.code)} />
              <label className="form-check-label" htmlFor={`region-${region.code}`}>
                <span className="font-monospace">{region.code}</span> <span className="text-body-secondary">{region.name}</span>
              </label>
            </div>
          </div>
        ))}
      </div>
      {error && <div className="invalid-feedback d-block">{error.join(' ')}</div>}
    </fieldset>
  );
}
