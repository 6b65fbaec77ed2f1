import { Link, useParams } from 'react-router';
import { isJobActive, JOB_STATUS_LABELS, TRIGGER_LABELS, useCancelJob, useJob } from '@/api/discovery';
import { Can } from '@/components/auth/guards';
import { JobAccounts, JobCounts, JobErrors, JobLog, JobScopes } from '@/components/discovery/JobDetails';
import { Icon } from '@/components/ui/Icon';
import { PageHeader } from '@/components/ui/PageHeader';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { JobStatusBadge } from '@/components/ui/StatusBadge';
import { QueryBoundary } from '@/components/ui/States';
import { formatDateTime, formatDuration, humanize } from '@/lib/format';

const VARIANTS: Record<string, string> = { COMPLETED: 'success', PARTIAL: 'warning', FAILED: 'danger', CANCELLED: 'secondary' };

export default function DiscoveryJobPage() {
  const id = Number(useParams().id);
  const job = useJob(id);
  const cancel = useCancelJob();
  return (
    <QueryBoundary query={job}>
      {(data) => {
        const active = isJobActive(data.status);
        return (
          <>
            <nav aria-label="Breadcrumb">
              <ol className="breadcrumb small mb-1">
                <li className="breadcrumb-item">
                  <Link to="/discovery">Discovery</Link>
                </li>
                <li className="breadcrumb-item active" aria-current="page">
                  Job #{data.id}
                </li>
              </ol>
            </nav>
            <PageHeader
              title={`Discovery job #${data.id}`}
              subtitle={
                <span className="d-flex flex-wrap gap-2 align-items-center">
                  <span role="status" aria-label={`Job status: ${JOB_STATUS_LABELS[data.status] ?? data.status}`}>
                    <JobStatusBadge status={data.status} />
                  </span>{' '}
                  {data.account_name || 'All accounts'} · {TRIGGER_LABELS[data.trigger] ?? humanize(data.trigger)}
                  {data.started_by && ` by ${data.started_by}`}
                </span>
              }
              actions={
                active && (
                  <Can role="editor">
                    <button type="button" className="btn btn-outline-danger" onClick={() => cancel.mutate(id)} disabled={cancel.isPending || data.cancel_requested}>
                      <Icon name="stop-circle" /> {data.cancel_requested ? 'Cancelling…' : 'Cancel job'}
                    </button>
                  </Can>
                )
              }
            />
            <section className="card mb-3" aria-labelledby="job-progress">
              <div className="card-body">
                <h2 id="job-progress" className="h6">
                  Progress
                </h2>
                <ProgressBar done={data.units_done} total={data.units_total} label="Discovery progress" active={active} variant={VARIANTS[data.status] ?? 'primary'} />
                <div className="small text-body-secondary mt-2 d-flex flex-wrap gap-3">
                  {data.accounts_total > 0 && (
                    <span>
                      Accounts: {data.accounts_done} of {data.accounts_total}
                    </span>
                  )}
                  <span>Created {formatDateTime(data.created_at)}</span>
                  {data.started_at && <span>Started {formatDateTime(data.started_at)}</span>}
                  {data.finished_at && <span>Finished {formatDateTime(data.finished_at)}</span>}
                  <span>Duration {formatDuration(data.duration_seconds)}</span>
                </div>
              </div>
            </section>
            <JobCounts job={data} />
            <section className="card mb-3" aria-labelledby="job-accounts">
              <div className="card-body">
                <h2 id="job-accounts" className="h6">
                  Per account
                </h2>
                <JobAccounts job={data} />
              </div>
            </section>
            <div className="row g-3">
              <div className="col-xl-6">
                <section className="card h-100" aria-labelledby="job-errors">
                  <div className="card-body">
                    <h2 id="job-errors" className="h6">
                      Errors and throttling
                    </h2>
                    <p className="small text-body-secondary">
                      {data.throttle_count} throttled calls were retried. A scope that errored removes nothing.
                    </p>
                    <JobErrors job={data} />
                  </div>
                </section>
              </div>
              <div className="col-xl-6">
                <section className="card h-100" aria-labelledby="job-log">
                  <div className="card-body">
                    <h2 id="job-log" className="h6">
                      Log
                    </h2>
                    <JobLog lines={data.log} />
                  </div>
                </section>
              </div>
              <div className="col-12">
                <section className="card" aria-labelledby="job-scopes">
                  <div className="card-body">
                    <h2 id="job-scopes" className="h6">
                      Per scope
                    </h2>
                    <JobScopes job={data} />
                  </div>
                </section>
              </div>
            </div>
          </>
        );
      }}
    </QueryBoundary>
  );
}
