import { lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, matchRoutes, Navigate, type Params, type RouteObject } from 'react-router';
import { prefetchAssets } from '@/api/assets';
import { authQueries } from '@/api/auth';
import { AppLayout } from '@/components/layout/AppLayout';
import { RequireAuth, RequireRole } from '@/components/auth/guards';
import { LoadingState } from '@/components/ui/States';
import { listQueryOf } from '@/hooks/useListParams';
import type { Role } from '@/lib/roles';

type PageModule = Promise<{ default: ComponentType }>;

/** What a route may start fetching before it is rendered (`handle` of its route object). */
export interface RouteHandle {
  /** Starts the route's first data, with the query keys and fetchers its page uses; settles with it. */
  prefetch: (queryClient: QueryClient, url: { params: Params; query: string }) => Promise<unknown>;
}

// Every page is its own chunk, so the first load carries only the shell. Each page element remembers
// its loader so the first URL's chunk can download alongside the session check (see preloadRoute).
const loaders = new Map<ReactNode, () => PageModule>();

const page = (load: () => PageModule) => {
  // Once the chunk is here the page renders straight away: going through React.lazy even then would
  // suspend once, and React holds a suspended tree back for 300 ms after its fallback has shown.
  let loaded: ComponentType | undefined;
  const loadAndKeep = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(loadAndKeep);
  function Page() {
    const [Component] = useState<ComponentType>(() => loaded ?? Lazy);
    return <Component />;
  }
  const element = <Page />;
  loaders.set(element, loadAndKeep);
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
      {
        path: 'assets',
        element: pages.assets(),
        handle: { prefetch: (queryClient, { query }) => prefetchAssets(queryClient, query) } satisfies RouteHandle,
      },
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

/**
 * Starts downloading the page chunks of `pathname` now instead of after the session check and, with a
 * query client, the route's first data (its `handle.prefetch`). Each promise settles when that part
 * is in or has failed (a failed chunk is reported by the page's error boundary when it renders).
 */
export function preloadRoute(pathname: string, search = '', queryClient?: QueryClient) {
  const chunks: Promise<unknown>[] = [];
  const data: Promise<unknown>[] = [];
  for (const match of matchRoutes(routes, pathname) ?? []) {
    const load = loaders.get(match.route.element);
    if (load) chunks.push(load());
    const handle = match.route.handle as RouteHandle | undefined;
    if (queryClient && handle?.prefetch) data.push(handle.prefetch(queryClient, { params: match.params, query: listQueryOf(search) }));
  }
  return { chunks: Promise.allSettled(chunks), data: Promise.allSettled(data) };
}

/** How long the first render waits for the URL's page chunk before rendering anyway (and suspending). */
export const BOOT_WAIT_MS = 500;

/**
 * Everything the first screen needs, started at once: the session check (who am I), the page chunk
 * of the URL and that page's first data (before, each waited for the one before it). Render when the
 * returned promise settles, that is when the page chunk is in (or after `waitMs`): the page then
 * renders without suspending on its chunk (React holds back a tree that suspended for 300 ms after
 * showing its fallback), while the session check and the data may still be on their way.
 */
export function boot(
  queryClient: QueryClient,
  location: Pick<Location, 'pathname' | 'search'> = window.location,
  waitMs = BOOT_WAIT_MS,
): Promise<void> {
  performance.mark?.('cloudtally:boot');
  void queryClient.prefetchQuery(authQueries.me());
  const { chunks } = preloadRoute(location.pathname, location.search, queryClient);
  const timeout = new Promise((resolve) => setTimeout(resolve, waitMs));
  return Promise.race([chunks, timeout]).then(() => undefined);
}

export const createAppRouter = () => createBrowserRouter(routes);
