const JOB_VARIANTS: Record<string, string> = {
  PENDING: 'secondary',
  RUNNING: 'primary',
  COMPLETED: 'success',
  PARTIAL: 'warning',
  FAILED: 'danger',
  CANCELLED: 'dark',
};

const ASSET_VARIANTS: Record<string, string> = {
  ACTIVE: 'success',
  REMOVED: 'secondary',
  DECOMMISSIONED: 'dark',
};

const CRITICALITY_VARIANTS: Record<string, string> = {
  critical: 'danger',
  high: 'warning',
  medium: 'info',
  low: 'secondary',
};

function label(value: string) {
  return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase().replace(/_/g, ' ');
}

export function JobStatusBadge({ status }: { status: string }) {
  return <span className={`badge text-bg-${JOB_VARIANTS[status] ?? 'secondary'}`}>{label(status)}</span>;
}

export function AssetStatusBadge({ status }: { status: string }) {
  return <span className={`badge text-bg-${ASSET_VARIANTS[status] ?? 'secondary'}`}>{label(status)}</span>;
}

export function CriticalityBadge({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="text-body-secondary">—</span>;
  return <span className={`badge text-bg-${CRITICALITY_VARIANTS[value.toLowerCase()] ?? 'secondary'}`}>{label(value)}</span>;
}
