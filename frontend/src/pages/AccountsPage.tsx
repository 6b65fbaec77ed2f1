import { Link } from 'react-router';
import { useAccounts, type Account } from '@/api/accounts';
import { AccountActions } from '@/components/accounts/AccountActions';
import { Can } from '@/components/auth/guards';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { Icon } from '@/components/ui/Icon';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { formatMoney, formatNumber, formatRelative, humanize } from '@/lib/format';

const COLUMNS: Column<Account>[] = [
  {
    key: 'name',
    header: 'Account',
    render: (a) => (
      <>
        <span className="fw-semibold">{a.name}</span> {!a.is_active && <span className="badge text-bg-secondary">inactive</span>}
        <div className="small text-body-secondary">
          <span className="font-monospace">{a.account_id}</span> · {a.has_credentials ? 'access keys' : 'assumed role'}
        </div>
      </>
    ),
  },
  {
    key: 'type',
    header: 'Type',
    render: (a) => (
      <>
        {humanize(a.account_type ?? '')}
        {a.management_account_name && <div className="small text-body-secondary">in {a.management_account_name}</div>}
      </>
    ),
  },
  { key: 'environment', header: 'Environment', render: (a) => humanize(a.environment ?? '') },
  {
    key: 'regions',
    header: 'Regions',
    render: (a) =>
      (a.regions ?? []).length === 0 ? <span className="text-body-secondary small">all enabled</span> : <span className="small" title={(a.regions ?? []).join(', ')}>{(a.regions ?? []).length} regions</span>,
  },
  { key: 'assets', header: 'Assets', className: 'text-end', render: (a) => <Link to={`/assets?account=${a.id}`}>{formatNumber(a.asset_count)}</Link> },
  {
    key: 'cost',
    header: 'Cost this month',
    className: 'text-end text-nowrap',
    render: (a) => (
      <>
        {formatMoney(a.cost_this_month, a.currency)}
        <div className="small text-body-secondary">last {formatMoney(a.cost_last_month, a.currency)}</div>
      </>
    ),
  },
  { key: 'discovery', header: 'Last discovery', render: (a) => formatRelative(a.last_discovery_at) },
  { key: 'actions', header: 'Actions', className: 'text-end', render: (a) => <AccountActions account={a} /> },
];

export default function AccountsPage() {
  const accounts = useAccounts();
  return (
    <>
      <PageHeader
        title="AWS accounts"
        actions={
          <Can role="admin">
            <Link to="/accounts/new" className="btn btn-primary">
              <Icon name="plus-lg" /> Add account
            </Link>
          </Can>
        }
      />
      <QueryBoundary query={accounts}>
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No AWS accounts yet" icon="cloud">
              Add an account (or a management account and sync its Organization) to start discovery.
            </EmptyState>
          ) : (
            <div className="card">
              <DataTable caption="AWS accounts" columns={COLUMNS} rows={rows} rowId={(a) => a.id} />
            </div>
          )
        }
      </QueryBoundary>
    </>
  );
}
