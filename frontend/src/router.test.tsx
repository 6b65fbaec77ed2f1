import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AssetRow } from '@/api/assets';
import type { Me } from '@/api/auth';
import { createQueryClient } from '@/api/queryClient';
import { AuthProvider } from '@/contexts/AuthContext';
import { ThemeProvider } from '@/contexts/ThemeContext';
import { server } from '@/test/server';
import { makeUser } from '@/test/utils';
import { boot, preloadRoute, routes } from './router';

// Pages behind the role guards are stand-ins: these tests are about the guards, not the pages.
vi.mock('@/pages/AssetFormPage', () => ({ default: () => <p>asset form</p> }));
vi.mock('@/pages/SettingsPage', async () => {
  const { Outlet } = await import('react-router');
  return { default: () => <Outlet /> };
});
vi.mock('@/pages/SettingsUsersPage', () => ({ default: () => <p>user settings</p> }));

const row = (id: number) =>
  ({ id, asset_id: `AST-${id}`, name: `asset-${id}`, asset_type: 'aws', status: 'ACTIVE', tags: {} }) as AssetRow;

/** Answers the asset list (recording each query string) and the page's other requests. */
function mockAssetsApi() {
  const lists: string[] = [];
  server.use(
    http.get('/api/assets/', ({ request }) => {
      lists.push(new URL(request.url).search.replace(/^\?/, ''));
      return HttpResponse.json({ count: 1, next: null, previous: null, results: [row(1)] });
    }),
    http.get('/api/assets/filter-options/', () => HttpResponse.json({})),
    http.get('/api/saved-views/', () => HttpResponse.json({ count: 0, results: [] })),
  );
  return lists;
}

const mockMe = (user: Me | null) =>
  server.use(http.get('/api/auth/me/', () => (user ? HttpResponse.json(user) : HttpResponse.json({ detail: 'Not authenticated.' }, { status: 401 }))));

/** The app's real route table (guards, layout, pages) at `url`, on the given query client. */
function renderRoutes(url: string, queryClient: QueryClient) {
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  render(
    <QueryClientProvider client={queryClient}>
      <ThemeProvider>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </ThemeProvider>
    </QueryClientProvider>,
  );
  return router;
}

const at = (url: string) => {
  const { pathname, search } = new URL(url, 'http://localhost');
  return { pathname, search };
};

describe('preloadRoute', () => {
  it('loads the chunk of the first URL without rendering it', async () => {
    const { chunks } = preloadRoute('/assets');
    await expect(chunks).resolves.toEqual([expect.objectContaining({ status: 'fulfilled' })]);
  });

  it('ignores unknown and public paths', async () => {
    expect(() => preloadRoute('/no/such/page')).not.toThrow();
    await expect(preloadRoute('/login').data).resolves.toEqual([]);
  });
});

describe('boot', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('starts the asset list request beside the session check instead of after it', async () => {
    const lists = mockAssetsApi();
    let answerMe: () => void = () => {};
    const meAnswered = new Promise<void>((resolve) => (answerMe = resolve));
    let meRequests = 0;
    server.use(
      http.get('/api/auth/me/', async () => {
        meRequests++;
        await meAnswered;
        return HttpResponse.json(makeUser('viewer'));
      }),
    );
    const queryClient = createQueryClient();

    void boot(queryClient, at('/assets?service=ec2&ordering=-name'));

    // The list request is made while the session check has not answered yet.
    await vi.waitFor(() => expect(lists).toEqual(['service=ec2&ordering=-name']));
    expect(meRequests).toBe(1);
    expect(queryClient.getQueryState(['auth', 'me'])?.status).toBe('pending');
    answerMe();
    await vi.waitFor(() => expect(queryClient.getQueryState(['auth', 'me'])?.status).toBe('success'));
  });

  it('fetches nothing but the session for pages without a prefetch', async () => {
    const lists = mockAssetsApi();
    mockMe(makeUser('viewer'));
    const queryClient = createQueryClient();
    await boot(queryClient, at('/accounts'));
    await vi.waitFor(() => expect(queryClient.getQueryState(['auth', 'me'])?.status).toBe('success'));
    expect(lists).toEqual([]);
    expect(queryClient.getQueryCache().findAll({ queryKey: ['assets'] })).toEqual([]);
  });

  it('prefetches under the query key the page reads: the page shows the rows at once, with one request', async () => {
    const lists = mockAssetsApi();
    mockMe(makeUser('viewer'));
    const url = '/assets?service=ec2&tag=Team%3Apayments&page=2';
    const queryClient = createQueryClient();
    await boot(queryClient, at(url)); // the page chunk is in
    await vi.waitFor(() => expect(queryClient.getQueryState(['assets', 'list', 'service=ec2&tag=Team%3Apayments&page=2'])?.status).toBe('success'));
    await vi.waitFor(() => expect(queryClient.getQueryState(['auth', 'me'])?.status).toBe('success'));

    renderRoutes(url, queryClient);

    // First render, no waiting: no "Loading…" for the chunk, no second request for the rows.
    expect(screen.getByRole('link', { name: 'asset-1' })).toBeInTheDocument();
    await screen.findByRole('button', { name: /views/i });
    expect(lists).toEqual(['service=ec2&tag=Team%3Apayments&page=2']);
    expect(queryClient.getQueryCache().findAll({ queryKey: ['assets', 'list'] })).toHaveLength(1);
  });

  it('leaves a missing session to the guard: the prefetch does not redirect, the guard goes to the login page', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, pathname: '/assets', search: '?service=ec2', hash: '', assign });
    server.use(http.get('/api/assets/', () => HttpResponse.json({ detail: 'Not authenticated.' }, { status: 401 })));
    mockMe(null);
    const queryClient = createQueryClient();

    await boot(queryClient, at('/assets?service=ec2'));
    await vi.waitFor(() => expect(queryClient.getQueryState(['assets', 'list', 'service=ec2'])?.status).toBe('error'));
    expect(assign).not.toHaveBeenCalled();

    const router = renderRoutes('/assets?service=ec2', queryClient);
    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/assets?service=ec2')}`);
    expect(assign).not.toHaveBeenCalled();
  });
});

describe('role guards of the route table', () => {
  it.each([
    ['viewer', '/assets/new', false],
    ['editor', '/assets/new', true],
    ['viewer', '/assets/7/edit', false],
    ['editor', '/settings/users', false],
    ['admin', '/settings/users', true],
  ] as const)('%s at %s: allowed %s', async (role, url, allowed) => {
    mockMe(makeUser(role));
    const queryClient = createQueryClient();
    await boot(queryClient, at(url));
    renderRoutes(url, queryClient);
    if (allowed) {
      expect(await screen.findByText(url.startsWith('/settings') ? 'user settings' : 'asset form')).toBeInTheDocument();
    } else {
      expect(await screen.findByRole('heading', { name: /you don't have access/i })).toBeInTheDocument();
      expect(screen.queryByText('asset form')).not.toBeInTheDocument();
      expect(screen.queryByText('user settings')).not.toBeInTheDocument();
    }
  });
});
