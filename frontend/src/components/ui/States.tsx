import type { ReactNode } from 'react';
import { errorMessage } from '@/api/client';
import { Icon } from './Icon';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="d-flex align-items-center gap-2 text-body-secondary py-4" role="status">
      <span className="spinner-border spinner-border-sm" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="alert alert-danger d-flex align-items-start gap-2" role="alert">
      <Icon name="exclamation-triangle-fill" className="mt-1" />
      <div className="flex-grow-1">
        <strong>{title}.</strong> {errorMessage(error)}
      </div>
      {onRetry && (
        <button type="button" className="btn btn-sm btn-outline-danger" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children, icon = 'inbox' }: { title: string; children?: ReactNode; icon?: string }) {
  return (
    <div className="text-center text-body-secondary py-5 empty-state">
      <Icon name={icon} className="fs-1 d-block mb-2" />
      <p className="fw-semibold mb-1 text-body">{title}</p>
      {children && <div className="small">{children}</div>}
    </div>
  );
}

/** Renders loading / error states of a query, else its children. */
export function QueryBoundary<T>({
  query,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState />;
  if (query.error || query.data === undefined) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return <>{children(query.data)}</>;
}
