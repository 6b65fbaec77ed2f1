import { Link } from 'react-router';
import { isJobActive, JOB_STATUS_LABELS, TRIGGER_LABELS, useJobs, type DiscoveryJob } from '@/api/discovery';
import { Can } from '@/components/auth/guards';
import { StartDiscovery } from '@/components/discovery/StartDiscovery';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { PageHeader } from '@/components/ui/PageHeader';
import { Pagination } from '@/components/ui/Pagination';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { JobStatusBadge } from '@/components/ui/StatusBadge';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { useListParams } from '@/hooks/useListParams';
import { setParam } from '@/lib/assetFilters';
import { formatDateTime, formatDuration, humanize } from '@/lib/format';

const PAGE_SIZE = 25;

const COLUMNS: Column<DiscoveryJob>[] = [
  { key: 'id', header: 'Job', render: (job) => <Link to={`/discovery/${job.id}`}>#{job.id}</Link> },
  {
    key: 'status',
    header: 'Status',
    render: (job) =>
      isJobActive(job.status) ? (
        <div style={{ minWidth: '9rem' }}>
          <JobStatusBadge status={job.status} />
          <div className="mt-1">
            <ProgressBar done={job.units_done} total={job.units_total} label={`Progress of job ${job.id}`} active />
          </div>
        </div>
      ) : (
        <JobStatusBadge status={job.status} />
      ),
  },
  { key: 'scope', header: 'Scope', render: (job) => job.account_name || 'All accounts' },
  { key: 'trigger', header: 'Trigger', render: (job) => TRIGGER_LABELS[job.trigger] ?? humanize(job.trigger) },
  { key: 'by', header: 'Started by', render: (job) => job.started_by || '—' },
  { key: 'created', header: 'Created', render: (job) => formatDateTime(job.created_at) },
  { key: 'duration', header: 'Duration', render: (job) => formatDuration(job.duration_seconds) },
  {
    key: 'counts',
    header: 'Found / new / changed / removed',
    render: (job) => (
      <span className="small font-monospace">
        {job.found} / {job.created} / {job.updated} / {job.removed}
      </span>
    ),
  },
  {
    key: 'errors',
    header: 'Errors',
    className: 'text-end',
    render: (job) => (job.error_count > 0 ? <span className="badge text-bg-danger">{job.error_count}</span> : <span className="text-body-secondary">0</span>),
  },
];

export default function DiscoveryPage() {
  const { params, update } = useListParams();
  const page = Number(params.get('page') ?? 1) || 1;
  const status = params.get('status') ?? '';
  const jobs = useJobs({ page, page_size: PAGE_SIZE, status: status || undefined });

  return (
    <>
      <PageHeader title="Discovery" subtitle="Jobs that scan the AWS accounts for resources." />
      <Can role="editor">
        <StartDiscovery />
      </Can>
      <div className="d-flex align-items-center gap-2 mb-2">
        <label htmlFor="job-status" className="small">
          Status
        </label>
        <select id="job-status" className="form-select form-select-sm w-auto" value={status} onChange={(e) => update(setParam(params, 'status', e.target.value))}>
          <option value="">All</option>
          {Object.entries(JOB_STATUS_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <QueryBoundary query={jobs}>
        {(data) =>
          data.results.length === 0 ? (
            <EmptyState title="No discovery jobs yet" icon="radar" />
          ) : (
            <>
              <div className="card">
                <DataTable caption="Discovery jobs" columns={COLUMNS} rows={data.results} rowId={(job) => job.id} />
              </div>
              <Pagination label="Job pages" page={page} pageSize={PAGE_SIZE} count={data.count} onPage={(p) => update(setParam(params, 'page', String(p)))} />
            </>
          )
        }
      </QueryBoundary>
    </>
  );
}
