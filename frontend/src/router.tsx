import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, matchRoutes, Navigate, type RouteObject } from 'react-router';
import { AppLayout } from '@/components/layout/AppLayout';
import { RequireAuth, RequireRole } from '@/components/auth/guards';
import { LoadingState } from '@/components/ui/States';
import type { Role } from '@/lib/roles';

type PageModule = Promise<{ default: ComponentType }>;

// Every page is its own chunk, so the first load carries only the shell. Each page element remembers
// its loader so the first URL's chunk can download alongside the session check (see preloadRoute).
const loaders = new Map<ReactNode, () => PageModule>();

const page = (load: () => PageModule) => {
  const Page = lazy(load);
  const element = <Page />;
  loaders.set(element, load);
  return element;
};

const pages = {
  login: () => page(() => import('@/pages/LoginPage')),
  forgot: () => page(() => import('@/pages/ForgotPasswordPage')),
  reset: () => page(() => import('@/pages/ResetPasswordPage')),
  dashboard: () => page(() => import('@/pages/DashboardPage')),
  assets: () => page(() => import('@/pages/AssetsPage')),
  assetDetail: () => page(() => import('@/pages/AssetDetailPage')),
  assetForm: () => page(() => import('@/pages/AssetFormPage')),
  assetImport: () => page(() => import('@/pages/AssetImportPage')),
  assetGraph: () => page(() => import('@/pages/AssetGraphPage')),
  accounts: () => page(() => import('@/pages/AccountsPage')),
  accountForm: () => page(() => import('@/pages/AccountFormPage')),
  discovery: () => page(() => import('@/pages/DiscoveryPage')),
  discoveryJob: () => page(() => import('@/pages/DiscoveryJobPage')),
  categories: () => page(() => import('@/pages/CategoriesPage')),
  profile: () => page(() => import('@/pages/ProfilePage')),
  settings: () => page(() => import('@/pages/SettingsPage')),
  users: () => page(() => import('@/pages/SettingsUsersPage')),
  sso: () => page(() => import('@/pages/SettingsSsoPage')),
  email: () => page(() => import('@/pages/SettingsEmailPage')),
  general: () => page(() => import('@/pages/SettingsGeneralPage')),
  audit: () => page(() => import('@/pages/AuditLogPage')),
  notFound: () => page(() => import('@/pages/NotFoundPage')),
};

const guarded = (role: Role, element: ReactNode) => {
  const wrapped = <RequireRole role={role}>{element}</RequireRole>;
  const load = loaders.get(element);
  if (load) loaders.set(wrapped, load);
  return wrapped;
};

const publicPage = (element: ReactNode) => (
  <Suspense
    fallback={
      <div className="container py-5">
        <LoadingState />
      </div>
    }
  >
    {element}
  </Suspense>
);

export const routes: RouteObject[] = [
  { path: '/login', element: publicPage(pages.login()) },
  { path: '/forgot-password', element: publicPage(pages.forgot()) },
  { path: '/reset-password/:uid/:token', element: publicPage(pages.reset()) },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: pages.dashboard() },
      { path: 'assets', element: pages.assets() },
      { path: 'assets/new', element: guarded('editor', pages.assetForm()) },
      { path: 'assets/import', element: guarded('editor', pages.assetImport()) },
      { path: 'assets/:id', element: pages.assetDetail() },
      { path: 'assets/:id/edit', element: guarded('editor', pages.assetForm()) },
      { path: 'assets/:id/graph', element: pages.assetGraph() },
      { path: 'accounts', element: pages.accounts() },
      { path: 'accounts/new', element: guarded('admin', pages.accountForm()) },
      { path: 'accounts/:id/edit', element: guarded('admin', pages.accountForm()) },
      { path: 'discovery', element: pages.discovery() },
      { path: 'discovery/:id', element: pages.discoveryJob() },
      { path: 'categories', element: pages.categories() },
      { path: 'profile', element: pages.profile() },
      {
        path: 'settings',
        element: guarded('admin', pages.settings()),
        children: [
          { index: true, element: <Navigate to="users" replace /> },
          { path: 'users', element: pages.users() },
          { path: 'sso', element: pages.sso() },
          { path: 'email', element: pages.email() },
          { path: 'general', element: pages.general() },
          { path: 'audit', element: pages.audit() },
        ],
      },
      { path: '*', element: pages.notFound() },
    ],
  },
];

/** Starts downloading the page chunks of `pathname` now instead of after the session check. */
export function preloadRoute(pathname: string) {
  for (const match of matchRoutes(routes, pathname) ?? []) {
    void loaders.get(match.route.element)?.();
  }
}

export const createAppRouter = () => {
  preloadRoute(window.location.pathname);
  return createBrowserRouter(routes);
};
