import { Link } from 'react-router';
import type { Dashboard } from '@/api/dashboard';
import { JobStatusBadge } from '@/components/ui/StatusBadge';
import { EmptyState } from '@/components/ui/States';
import { formatRelative } from '@/lib/format';

type Job = Dashboard['recent_jobs'][number];

export function RecentJobs({ jobs }: { jobs: Job[] }) {
  if (jobs.length === 0) return <EmptyState title="No discovery has run yet" icon="radar" />;
  return (
    <ul className="list-group list-group-flush">
      {jobs.map((job) => (
        <li key={job.id} className="list-group-item d-flex justify-content-between align-items-center px-0">
          <div>
            <Link to={`/discovery/${job.id}`}>
              Job #{job.id} · {job.account_name || 'All accounts'}
            </Link>
            <div className="small text-body-secondary">
              {formatRelative(job.created_at)} · {job.found} found
            </div>
          </div>
          <JobStatusBadge status={job.status} />
        </li>
      ))}
    </ul>
  );
}
