import { Link } from 'react-router';
import { Icon } from '@/components/ui/Icon';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

export function TopNavbar({ sidebarOpen, onToggleSidebar }: { sidebarOpen: boolean; onToggleSidebar: () => void }) {
  return (
    <header className="navbar border-bottom bg-body-tertiary px-3 sticky-top">
      <div className="d-flex align-items-center gap-2">
        <button
          type="button"
          className="btn btn-sm btn-outline-secondary d-md-none"
          aria-label="Toggle navigation"
          aria-expanded={sidebarOpen}
          aria-controls="app-sidebar"
          onClick={onToggleSidebar}
        >
          <Icon name="list" />
        </button>
        <Link to="/" className="navbar-brand d-flex align-items-center gap-2 fw-semibold">
          <img src="/favicon.svg" alt="" width={24} height={24} /> Cloudtally
        </Link>
      </div>
      <div className="d-flex align-items-center gap-2">
        <ThemeToggle />
        <UserMenu />
      </div>
    </header>
  );
}
