import { Link } from 'react-router';
import { Icon } from '@/components/ui/Icon';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';
import { ROLE_LABELS, type Role } from '@/lib/roles';

export function AccessDenied({ role }: { role: Role }) {
  useDocumentTitle('No access');
  return (
    <div className="py-5 text-center" role="alert">
      <Icon name="shield-lock" className="display-4 text-warning d-block mb-3" />
      <h1 className="h3">You don&apos;t have access to this page</h1>
      <p className="text-body-secondary">
        It needs the <strong>{ROLE_LABELS[role]}</strong> role. Ask an administrator if you need it.
      </p>
      <Link to="/" className="btn btn-primary">
        Back to the dashboard
      </Link>
    </div>
  );
}
