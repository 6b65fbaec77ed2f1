import { Link } from 'react-router';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';

export default function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <div className="py-5 text-center">
      <p className="display-4 fw-bold text-body-secondary">404</p>
      <h1 className="h3">Page not found</h1>
      <p className="text-body-secondary">The page you asked for does not exist or has moved.</p>
      <Link to="/" className="btn btn-primary">
        Back to the dashboard
      </Link>
    </div>
  );
}
