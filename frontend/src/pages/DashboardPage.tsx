import { useAccounts } from '@/api/accounts';
import { useDashboard } from '@/api/dashboard';
import { PageHeader } from '@/components/ui/PageHeader';
import { QueryBoundary } from '@/components/ui/States';
import { AccountsTable } from '@/components/dashboard/AccountsTable';
import { BarCard, DonutCard, TrendCard } from '@/components/dashboard/Charts';
import { ComplianceGaps } from '@/components/dashboard/ComplianceGaps';
import { RecentJobs } from '@/components/dashboard/RecentJobs';
import { StatCards } from '@/components/dashboard/StatCards';
import { costTrend, criticalitySlices, topWithOther, trendEnd } from '@/lib/chartData';
import { toNumber } from '@/lib/format';

export default function DashboardPage() {
  const dashboard = useDashboard();
  const accounts = useAccounts();
  return (
    <>
      <PageHeader title="Dashboard" />
      <QueryBoundary query={dashboard}>
        {(data) => (
          <>
            <StatCards totals={data.totals} />
            <div className="row g-3 mb-4">
              <div className="col-xl-6">
                <BarCard title="Assets by service" data={topWithOther(data.assets_by_service, (i) => i.label || i.key, (i) => i.count)} />
              </div>
              <div className="col-xl-6">
                <DonutCard title="Assets by criticality" data={criticalitySlices(data.assets_by_criticality)} />
              </div>
              <div className="col-xl-6">
                <TrendCard title="Cost trend (12 months)" data={costTrend(data.cost_by_month, trendEnd(data.cost_by_month, data.generated_at))} currency={data.totals.currency} />
              </div>
              <div className="col-xl-6">
                <BarCard
                  title="Cost by service (this month)"
                  money
                  currency={data.totals.currency}
                  data={topWithOther(data.cost_by_service, (i) => i.label || i.key, (i) => toNumber(i.this_month))}
                />
              </div>
            </div>
            <div className="row g-3">
              <div className="col-xl-7">
                <section className="card h-100" aria-labelledby="dash-accounts">
                  <div className="card-body">
                    <h2 id="dash-accounts" className="h6">
                      Accounts
                    </h2>
                    <QueryBoundary query={accounts}>{(rows) => <AccountsTable accounts={rows} />}</QueryBoundary>
                  </div>
                </section>
              </div>
              <div className="col-xl-5 d-flex flex-column gap-3">
                <section className="card" aria-labelledby="dash-gaps">
                  <div className="card-body">
                    <h2 id="dash-gaps" className="h6">
                      Compliance gaps
                    </h2>
                    <ComplianceGaps gaps={data.compliance_gaps} />
                  </div>
                </section>
                <section className="card" aria-labelledby="dash-jobs">
                  <div className="card-body">
                    <h2 id="dash-jobs" className="h6">
                      Recent discovery jobs
                    </h2>
                    <RecentJobs jobs={data.recent_jobs} />
                  </div>
                </section>
              </div>
            </div>
          </>
        )}
      </QueryBoundary>
    </>
  );
}
