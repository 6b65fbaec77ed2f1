import { Link } from 'react-router';
import type { Account } from '@/api/accounts';
import { EmptyState } from '@/components/ui/States';
import { formatMoney, formatNumber, formatRelative, humanize } from '@/lib/format';

export function AccountsTable({ accounts }: { accounts: Account[] }) {
  if (accounts.length === 0) return <EmptyState title="No AWS accounts yet" icon="cloud" />;
  return (
    <div className="table-responsive">
      <table className="table table-sm align-middle mb-0 small">
        <caption className="visually-hidden">AWS accounts</caption>
        <thead className="text-nowrap">
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Environment</th>
            <th scope="col" className="text-end">Assets</th>
            <th scope="col" className="text-end">This month</th>
            <th scope="col" className="text-end">Last month</th>
            <th scope="col">Last discovery</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id}>
              <td>
                <Link to={`/assets?account=${account.id}`}>{account.name}</Link>
                <div className="small text-body-secondary font-monospace">{account.account_id}</div>
              </td>
              <td>{account.environment ? humanize(account.environment) : '—'}</td>
              <td className="text-end text-nowrap">{formatNumber(account.asset_count)}</td>
              <td className="text-end text-nowrap">{formatMoney(account.cost_this_month, account.currency)}</td>
              <td className="text-end text-nowrap">{formatMoney(account.cost_last_month, account.currency)}</td>
              <td className="text-nowrap">{formatRelative(account.last_discovery_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
