import { useId, useState, type FormEvent } from 'react';
import type { FilterMode } from '@/lib/assetFilters';
import { Icon } from '@/components/ui/Icon';

// The API's tag filter has no `tag_exclude` twin yet; flip this when it does.
const TAG_EXCLUDE_SUPPORTED = false;

interface TagFilterProps {
  params: URLSearchParams;
  onAdd: (tag: string, mode: FilterMode) => void;
  onRemove: (tag: string, mode: FilterMode) => void;
}

export function TagFilter({ params, onAdd, onRemove }: TagFilterProps) {
  const [tag, setTag] = useState('');
  const [mode, setMode] = useState<FilterMode>('include');
  const inputId = useId();
  const modeId = useId();
  const tags = [
    ...params.getAll('tag').map((value) => ({ value, mode: 'include' as const })),
    ...params.getAll('tag_exclude').map((value) => ({ value, mode: 'exclude' as const })),
  ];

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!tag.trim()) return;
    onAdd(tag, mode);
    setTag('');
  }

  return (
    <details className="border-bottom py-2" open={tags.length > 0}>
      <summary className="fw-semibold small">
        <span>Tags</span>
        {tags.length > 0 && <span className="badge rounded-pill text-bg-primary float-end">{tags.length}</span>}
      </summary>
      <form onSubmit={onSubmit} className="mt-2" aria-label="Add tag filter">
        <label htmlFor={inputId} className="form-label small mb-1">
          Tag key or key:value
        </label>
        <div className="input-group input-group-sm">
          {TAG_EXCLUDE_SUPPORTED && (
            <>
              <label htmlFor={modeId} className="visually-hidden">
                Tag filter mode
              </label>
              <select id={modeId} className="form-select" style={{ maxWidth: '6.5rem' }} value={mode} onChange={(e) => setMode(e.target.value as FilterMode)}>
                <option value="include">has</option>
                <option value="exclude">has not</option>
              </select>
            </>
          )}
          <input id={inputId} className="form-control" placeholder="env:prod" value={tag} onChange={(e) => setTag(e.target.value)} />
          <button type="submit" className="btn btn-outline-primary" aria-label="Add tag filter" disabled={!tag.trim()}>
            <Icon name="plus-lg" />
          </button>
        </div>
      </form>
      {tags.length > 0 && (
        <ul className="list-unstyled d-flex flex-wrap gap-1 mt-2 mb-0">
          {tags.map((item) => (
            <li key={`${item.mode}:${item.value}`}>
              <span className={`badge ${item.mode === 'include' ? 'text-bg-primary' : 'text-bg-danger'} d-inline-flex align-items-center gap-1`}>
                {item.mode === 'exclude' && 'not '}
                {item.value}
                <button
                  type="button"
                  className="btn-close btn-close-white"
                  style={{ fontSize: '0.55rem' }}
                  aria-label={`Remove tag filter ${item.mode === 'exclude' ? 'not ' : ''}${item.value}`}
                  onClick={() => onRemove(item.value, item.mode)}
                />
              </span>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
