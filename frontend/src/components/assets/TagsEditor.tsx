import { Icon } from '@/components/ui/Icon';

export type TagRow = { key: string; value: string };

export const tagsToRows = (tags: Record<string, string>): TagRow[] => Object.entries(tags).map(([key, value]) => ({ key, value }));
export const rowsToTags = (rows: TagRow[]): Record<string, string> =>
  Object.fromEntries(rows.filter((row) => row.key.trim()).map((row) => [row.key.trim(), row.value]));

export function TagsEditor({ rows, onChange, error }: { rows: TagRow[]; onChange: (rows: TagRow[]) => void; error?: string[] }) {
  const set = (index: number, patch: Partial<TagRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="mb-3">
      <legend className="form-label fs-6">Tags</legend>
      {rows.map((row, index) => (
        <div className="input-group input-group-sm mb-1" key={index}>
          <input className="form-control" aria-label={`Tag ${index + 1} key`} placeholder="Key" value={row.key} onChange={(e) => set(index, { key: e.target.value })} />
          <input className="form-control" aria-label={`Tag ${index + 1} value`} placeholder="Value" value={row.value} onChange={(e) => set(index, { value: e.target.value })} />
          <button type="button" className="btn btn-outline-secondary" aria-label={`Remove tag ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            <Icon name="x-lg" />
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-sm btn-outline-secondary" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        <Icon name="plus-lg" /> Add tag
      </button>
      {error && <div className="invalid-feedback d-block">{error.join(' ')}</div>}
    </fieldset>
  );
}
