import type { DiscoveryJobDetail } from '@/api/discovery';
import { EmptyState } from '@/components/ui/States';
import { JobStatusBadge } from '@/components/ui/StatusBadge';
import { formatNumber } from '@/lib/format';

export function JobCounts({ job }: { job: DiscoveryJobDetail }) {
  const items = [
    ['Found', job.found],
    ['Created', job.created],
    ['Updated', job.updated],
    ['Removed', job.removed],
    ['Restored', job.restored],
    ['Errors', job.error_count],
    ['Throttles', job.throttle_count],
  ] as const;
  return (
    <dl className="row g-2 mb-3 text-center">
      {items.map(([label, value]) => (
        <div className="col-6 col-md" key={label}>
          <div className="border rounded p-2 h-100">
            <dt className="small text-body-secondary fw-normal">{label}</dt>
            <dd className={`fs-4 mb-0 ${label === 'Errors' && value > 0 ? 'text-danger' : ''}`}>{formatNumber(value)}</dd>
          </div>
        </div>
      ))}
    </dl>
  );
}

export function JobScopes({ job }: { job: DiscoveryJobDetail }) {
  const scopes = job.scopes ?? [];
  if (scopes.length === 0) return <p className="small text-body-secondary">No per-scope results yet.</p>;
  return (
    <div className="table-responsive" style={{ maxHeight: '24rem' }}>
      <table className="table table-sm small">
        <caption className="visually-hidden">Results per account, region and resource type</caption>
        <thead className="sticky-top">
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Region</th>
            <th scope="col">Resource type</th>
            <th scope="col">Status</th>
            <th scope="col" className="text-end">Found</th>
            <th scope="col" className="text-end">Throttles</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {scopes.map((scope, index) => (
            <tr key={index} className={scope.error ? 'table-danger' : undefined}>
              <td className="font-monospace">{scope.account_id}</td>
              <td>{scope.region}</td>
              <td>{scope.resource_type}</td>
              <td>{scope.status}</td>
              <td className="text-end">{scope.found}</td>
              <td className="text-end">{scope.throttles}</td>
              <td className="text-break">{scope.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function JobErrors({ job }: { job: DiscoveryJobDetail }) {
  if (job.errors.length === 0) return <EmptyState title="No errors" icon="check-circle" />;
  return (
    <div className="table-responsive">
      <table className="table table-sm small">
        <caption className="visually-hidden">Errors</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Region</th>
            <th scope="col">Resource type</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {job.errors.map((error, index) => (
            <tr key={index}>
              <td className="font-monospace">{error.account_id}</td>
              <td>{error.region}</td>
              <td>{error.resource_type}</td>
              <td className="text-break">{error.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function JobLog({ lines }: { lines: string[] }) {
  if (lines.length === 0) return <p className="small text-body-secondary mb-0">The log is empty.</p>;
  return (
    <pre className="log-view bg-body-tertiary border rounded p-2 mb-0" tabIndex={0} aria-label="Job log">
      {lines.join('\n')}
    </pre>
  );
}

export function JobAccounts({ job }: { job: DiscoveryJobDetail }) {
  const accounts = job.accounts ?? [];
  if (accounts.length === 0) return <p className="small text-body-secondary mb-0">No account has started yet.</p>;
  return (
    <div className="table-responsive">
      <table className="table table-sm small mb-0">
        <caption className="visually-hidden">Status per account</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Status</th>
            <th scope="col">Units</th>
            <th scope="col" className="text-end">Found</th>
            <th scope="col" className="text-end">New / changed / removed</th>
            <th scope="col" className="text-end">Errors</th>
            <th scope="col" className="text-end">Throttles</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.account_id}>
              <td>
                {account.account_name} <span className="font-monospace text-body-secondary">{account.account_id}</span>
              </td>
              <td>
                <JobStatusBadge status={account.status} />
              </td>
              <td>
                {account.units_done} / {account.units_total}
              </td>
              <td className="text-end">{account.found}</td>
              <td className="text-end">
                {account.created} / {account.updated} / {account.removed}
              </td>
              <td className={`text-end ${account.error_count ? 'text-danger' : ''}`}>{account.error_count}</td>
              <td className="text-end">{account.throttle_count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
