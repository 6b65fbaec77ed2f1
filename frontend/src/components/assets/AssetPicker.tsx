import { useId, useState } from 'react';
import { useAssets, type AssetRow } from '@/api/assets';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';

/** Search-as-you-type picker for one asset (relationship targets). */
export function AssetPicker({ value, onChange, label = 'Asset', exclude = [] }: { value: AssetRow | null; onChange: (asset: AssetRow | null) => void; label?: string; exclude?: number[] }) {
  const [text, setText] = useState('');
  const debounced = useDebouncedValue(text, 250);
  const id = useId();
  const results = useAssets(new URLSearchParams({ q: debounced, page_size: '8' }).toString());
  const rows = (results.data?.results ?? []).filter((row) => !exclude.includes(row.id));

  if (value) {
    return (
      <div className="mb-3">
        <div className="form-label">{label}</div>
        <div className="d-flex align-items-center gap-2">
          <span className="badge text-bg-secondary">{value.asset_id}</span>
          <span className="flex-grow-1">{value.name}</span>
          <button type="button" className="btn btn-sm btn-outline-secondary" onClick={() => onChange(null)}>
            Change
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="mb-3">
      <label htmlFor={id} className="form-label">
        {label}
      </label>
      <input id={id} className="form-control" placeholder="Search by name, ID or ARN" value={text} onChange={(e) => setText(e.target.value)} />
      <div className="list-group mt-1" role="listbox" aria-label={`${label} results`}>
        {results.isFetching && rows.length === 0 && <div className="list-group-item small text-body-secondary">Searching…</div>}
        {!results.isFetching && debounced && rows.length === 0 && <div className="list-group-item small text-body-secondary">No match</div>}
        {rows.map((row) => (
          <button key={row.id} type="button" role="option" aria-selected={false} className="list-group-item list-group-item-action small" onClick={() => onChange(row)}>
            <span className="font-monospace me-2">{row.asset_id}</span>
            {row.name} <span className="text-body-secondary">· {row.service || row.asset_type}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
