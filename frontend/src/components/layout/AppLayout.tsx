import { Suspense, useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { ErrorBoundary } from '@/components/ui/ErrorBoundary';
import { LoadingState } from '@/components/ui/States';
import { Sidebar } from './Sidebar';
import { TopNavbar } from './TopNavbar';

export function AppLayout() {
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const location = useLocation();
  return (
    <div className="app-shell">
      <a href="#main-content" className="visually-hidden-focusable btn btn-primary position-absolute m-2 z-3">
        Skip to content
      </a>
      <TopNavbar sidebarOpen={sidebarOpen} onToggleSidebar={() => setSidebarOpen((open) => !open)} />
      <div className="d-flex flex-grow-1">
        {/* The aside stretches to the page's full height (its background with it); the nav inside sticks. */}
        <aside id="app-sidebar" className={`app-sidebar border-end bg-body-tertiary${sidebarOpen ? ' open' : ''}`}>
          <div className="app-sidebar-inner p-2">
            <Sidebar onNavigate={() => setSidebarOpen(false)} />
          </div>
        </aside>
        <main id="main-content" className="flex-grow-1 p-3 p-lg-4 app-main" tabIndex={-1}>
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<LoadingState />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
