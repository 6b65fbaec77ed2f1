import { Dropdown } from '@/components/ui/Dropdown';
import { Icon } from '@/components/ui/Icon';
import { ASSET_COLUMNS, DEFAULT_COLUMNS } from './assetColumns';

export function ColumnChooser({ visible, onChange }: { visible: string[]; onChange: (keys: string[]) => void }) {
  const toggle = (key: string) => {
    const next = visible.includes(key) ? visible.filter((k) => k !== key) : [...visible, key];
    // Keep the table's column order, not the order of clicking.
    onChange(ASSET_COLUMNS.map((c) => c.key).filter((k) => next.includes(k)));
  };
  return (
    <Dropdown label="Choose columns" toggle={<><Icon name="layout-three-columns" /> Columns</>} toggleClassName="btn btn-outline-secondary">
      {() => (
        <>
          {ASSET_COLUMNS.map((column) => (
            <li key={column.key}>
              <button
                type="button"
                role="menuitemcheckbox"
                aria-checked={visible.includes(column.key)}
                className="dropdown-item d-flex align-items-center gap-2"
                disabled={column.key === 'name'}
                onClick={() => toggle(column.key)}
              >
                <Icon name={visible.includes(column.key) ? 'check-square' : 'square'} /> {column.header}
              </button>
            </li>
          ))}
          <li>
            <hr className="dropdown-divider" />
          </li>
          <li>
            <button type="button" role="menuitem" className="dropdown-item" onClick={() => onChange(DEFAULT_COLUMNS)}>
              Reset to default
            </button>
          </li>
        </>
      )}
    </Dropdown>
  );
}
