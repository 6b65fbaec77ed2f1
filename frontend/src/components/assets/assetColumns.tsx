import { Link } from 'react-router';
import type { AssetRow } from '@/api/assets';
import type { Column } from '@/components/ui/DataTable';
import { AssetStatusBadge, CriticalityBadge } from '@/components/ui/StatusBadge';
import { formatDate, formatDateTime, humanize } from '@/lib/format';

const DASH = <span className="text-body-secondary">—</span>;
const text = (value: string | null | undefined) => value || DASH;
/** A long value on one line, cut with an ellipsis; the full value is in the tooltip. */
const clipped = (value: string | null | undefined, className = '') =>
  value ? (
    <span className={`cell-clip ${className}`} title={value}>
      {value}
    </span>
  ) : (
    DASH
  );

export function ownerLabel(row: Pick<AssetRow, 'owner_display' | 'owner_name'>): string {
  return row.owner_display || row.owner_name || '';
}

/** Every column the asset table can show; `defaultVisible` marks the initial choice. */
export const ASSET_COLUMNS: (Column<AssetRow> & { defaultVisible?: boolean })[] = [
  { key: 'asset_id', header: 'ID', sortField: 'id', defaultVisible: true, render: (row) => <span className="font-monospace small">{row.asset_id}</span> },
  {
    key: 'name',
    header: 'Name',
    sortField: 'name',
    defaultVisible: true,
    sticky: true,
    render: (row) => {
      const name = row.name || row.resource_id || row.asset_id;
      return (
        <Link to={`/assets/${row.id}`} className="fw-semibold cell-clip cell-clip-wide" title={name}>
          {name}
        </Link>
      );
    },
  },
  { key: 'asset_type', header: 'Type', sortField: 'asset_type', render: (row) => humanize(row.asset_type) },
  { key: 'service', header: 'Service', sortField: 'service', defaultVisible: true, render: (row) => text(row.service) },
  { key: 'resource_type', header: 'Resource type', sortField: 'resource_type', defaultVisible: true, render: (row) => clipped(row.resource_type) },
  { key: 'resource_id', header: 'Resource ID', sortField: 'resource_id', render: (row) => clipped(row.resource_id, 'small font-monospace cell-clip-wide') },
  { key: 'account', header: 'Account', sortField: 'account', defaultVisible: true, render: (row) => clipped(row.account_name) },
  { key: 'region', header: 'Region', sortField: 'region', defaultVisible: true, render: (row) => text(row.region) },
  { key: 'environment', header: 'Environment', sortField: 'environment', render: (row) => text(row.environment) },
  { key: 'status', header: 'Status', sortField: 'status', defaultVisible: true, render: (row) => <AssetStatusBadge status={row.status} /> },
  { key: 'owner', header: 'Owner', sortField: 'owner', defaultVisible: true, render: (row) => clipped(ownerLabel(row)) },
  { key: 'department', header: 'Department', sortField: 'department', render: (row) => clipped(row.department) },
  { key: 'category', header: 'Category', sortField: 'category', render: (row) => clipped(row.category_name) },
  { key: 'criticality', header: 'Criticality', sortField: 'criticality', defaultVisible: true, render: (row) => <CriticalityBadge value={row.criticality} /> },
  { key: 'data_classification', header: 'Classification', sortField: 'data_classification', render: (row) => (row.data_classification ? humanize(row.data_classification) : '—') },
  { key: 'first_seen', header: 'First seen', sortField: 'first_seen', render: (row) => formatDate(row.first_seen) },
  { key: 'last_seen', header: 'Last seen', sortField: 'last_seen', defaultVisible: true, render: (row) => formatDateTime(row.last_seen) },
  { key: 'last_reviewed_at', header: 'Last review', sortField: 'last_reviewed_at', render: (row) => formatDate(row.last_reviewed_at) },
];

export const DEFAULT_COLUMNS = ASSET_COLUMNS.filter((column) => column.defaultVisible).map((column) => column.key);
export const COLUMNS_STORAGE_KEY = 'cloudtally.assets.columns';
