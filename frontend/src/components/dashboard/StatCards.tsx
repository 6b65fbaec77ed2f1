import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Dashboard } from '@/api/dashboard';
import { Icon } from '@/components/ui/Icon';
import { monthOverMonth } from '@/lib/chartData';
import { formatMoney, formatNumber } from '@/lib/format';

function StatCard({ label, value, icon, to, note }: { label: string; value: string; icon: string; to?: string; note?: ReactNode }) {
  const body = (
    <div className="card-body">
      <div className="d-flex justify-content-between align-items-start">
        <div>
          <div className="text-body-secondary small">{label}</div>
          <div className="stat-value">{value}</div>
          {note && <div className="small">{note}</div>}
        </div>
        <Icon name={icon} className="fs-3 text-primary opacity-75" />
      </div>
    </div>
  );
  return (
    <div className="col-sm-6 col-xl">
      <div className="card stat-card h-100">
        {to ? (
          <Link to={to} className="text-reset text-decoration-none" aria-label={`${label}: ${value}`}>
            {body}
          </Link>
        ) : (
          body
        )}
      </div>
    </div>
  );
}

export function StatCards({ totals }: { totals: Dashboard['totals'] }) {
  const change = monthOverMonth(totals.cost_this_month, totals.cost_last_month);
  const changeNote =
    change === null ? (
      <span className="text-body-secondary">no cost last month</span>
    ) : (
      <>
        <span className={`text-nowrap ${change > 0 ? 'text-danger-emphasis' : 'text-success-emphasis'}`}>
          <Icon name={change > 0 ? 'arrow-up-right' : 'arrow-down-right'} /> {Math.abs(change)}% vs last month
        </span>
        <div className="text-body-secondary text-nowrap">Last month {formatMoney(totals.cost_last_month, totals.currency)}</div>
      </>
    );
  return (
    <div className="row g-3 mb-4">
      <StatCard label="Assets" value={formatNumber(totals.assets)} icon="hdd-stack" to="/assets" />
      <StatCard label="AWS accounts" value={formatNumber(totals.accounts)} icon="cloud" to="/accounts" />
      <StatCard label="Critical assets" value={formatNumber(totals.critical)} icon="exclamation-octagon" to="/assets?criticality=critical" />
      <StatCard label="Cost this month" value={formatMoney(totals.cost_this_month, totals.currency)} icon="currency-dollar" note={changeNote} />
      <StatCard label="Without owner" value={formatNumber(totals.no_owner)} icon="person-x" to="/assets?missing=owner" />
    </div>
  );
}
