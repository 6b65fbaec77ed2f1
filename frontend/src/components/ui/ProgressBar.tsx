interface ProgressBarProps {
  done: number;
  total: number;
  label: string;
  active?: boolean;
  variant?: string;
}

/**
 * Percentage of done/total, clamped to 0..100; an empty total counts as 0 % (or 100 % once finished).
 * While work is still active it never shows 100 %: the total can grow as more of the job is planned.
 */
export function progressPercent(done: number, total: number, finished = false): number {
  if (finished) return total <= 0 ? 100 : Math.max(0, Math.min(100, Math.round((done / total) * 100)));
  if (total <= 0) return 0;
  return Math.max(0, Math.min(99, Math.round((done / total) * 100)));
}

export function ProgressBar({ done, total, label, active = false, variant = 'primary' }: ProgressBarProps) {
  const percent = progressPercent(done, total, !active);
  return (
    <div>
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuenow={percent}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuetext={`${percent}% (${done} of ${total} units)`}
        style={{ height: '1.25rem' }}
      >
        <div
          className={`progress-bar bg-${variant}${active ? ' progress-bar-striped progress-bar-animated' : ''}`}
          style={{ width: `${percent}%` }}
        >
          {percent}%
        </div>
      </div>
      <div className="small text-body-secondary mt-1">
        {done} of {total} units
      </div>
    </div>
  );
}
