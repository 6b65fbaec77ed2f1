import { Link } from 'react-router';
import type { Dashboard } from '@/api/dashboard';
import { EmptyState } from '@/components/ui/States';
import { formatNumber } from '@/lib/format';

type Gap = Dashboard['compliance_gaps'][number];

/** Each gap links to the asset list filtered to exactly those assets. */
export function gapLink(gap: Gap): string {
  return `/assets?${gap.query || `missing=${encodeURIComponent(gap.key)}`}`;
}

export function ComplianceGaps({ gaps }: { gaps: Gap[] }) {
  if (gaps.every((gap) => gap.count === 0)) return <EmptyState title="No compliance gaps" icon="patch-check" />;
  return (
    <ul className="list-group list-group-flush">
      {gaps.map((gap) => (
        <li key={gap.key} className="list-group-item d-flex justify-content-between align-items-center px-0">
          <Link to={gapLink(gap)}>{gap.label}</Link>
          <span className={`badge rounded-pill ${gap.count > 0 ? 'text-bg-warning' : 'text-bg-success'}`}>{formatNumber(gap.count)}</span>
        </li>
      ))}
    </ul>
  );
}
