import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { loginPath } from '@/api/client';
import { useAuth } from '@/contexts/AuthContext';
import type { Role } from '@/lib/roles';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { AccessDenied } from './AccessDenied';

/** Signed-in users only; everyone else goes to /login?next=<where they were going>. */
export function RequireAuth({ children }: { children?: ReactNode }) {
  const { user, isLoading, error } = useAuth();
  const location = useLocation();
  if (isLoading) {
    return (
      <div className="container py-5">
        <LoadingState label="Checking your session…" />
      </div>
    );
  }
  if (error) {
    return (
      <div className="container py-5">
        <ErrorState error={error} title="Cloudtally is not reachable" onRetry={() => window.location.reload()} />
      </div>
    );
  }
  if (!user) return <Navigate to={loginPath(`${location.pathname}${location.search}${location.hash}`)} replace />;
  return <>{children ?? <Outlet />}</>;
}

/** Shows a clear "no access" message instead of the page when the role is too low. */
export function RequireRole({ role, children }: { role: Role; children?: ReactNode }) {
  const { can } = useAuth();
  if (!can(role)) return <AccessDenied role={role} />;
  return <>{children ?? <Outlet />}</>;
}

/** Renders its children only for users with at least `role` (edit buttons and the like). */
export function Can({ role, children }: { role: Role; children: ReactNode }) {
  const { can } = useAuth();
  return can(role) ? <>{children}</> : null;
}
