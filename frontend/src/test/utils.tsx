import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { createMemoryRouter, RouterProvider, useLocation, type RouteObject } from 'react-router';
import type { Me } from '@/api/auth';
import { createQueryClient } from '@/api/queryClient';
import { AuthProvider } from '@/contexts/AuthContext';
import { ThemeProvider } from '@/contexts/ThemeContext';
import { Toaster } from '@/components/ui/Toaster';
import { server } from './server';

export function makeUser(role: Me['role'] = 'admin', overrides: Partial<Me> = {}): Me {
  return {
    id: 1,
    username: `${role}-user`,
    email: `${role}@example.com`,
    first_name: '',
    last_name: '',
    role,
    role_pinned: false,
    auth_source: 'local',
    is_active: true,
    last_login: null,
    date_joined: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

/** Shows the router's current location so tests can assert on URL state. */
export function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location" hidden>{`${location.pathname}${location.search}`}</div>;
}

interface RenderOptions {
  route?: string;
  path?: string;
  user?: Me | null;
  routes?: RouteObject[];
}

/** Renders `ui` at `route` inside the app's providers, signed in as `user` (admin by default). */
export function renderApp(ui: ReactNode, { route = '/', path = '*', user = makeUser(), routes = [] }: RenderOptions = {}) {
  server.use(
    http.get('/api/auth/me/', () => (user ? HttpResponse.json(user) : HttpResponse.json({ detail: 'Not authenticated.' }, { status: 401 }))),
  );
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity, refetchOnWindowFocus: false } });
  const router = createMemoryRouter(
    [
      ...routes,
      {
        path,
        element: (
          <>
            {ui}
            <LocationProbe />
          </>
        ),
      },
    ],
    { initialEntries: [route] },
  );
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ThemeProvider>
        <AuthProvider>
          <RouterProvider router={router} />
          <Toaster />
        </AuthProvider>
      </ThemeProvider>
    </QueryClientProvider>,
  );
  return { ...result, router, queryClient };
}

export const locationText = (container: { getByTestId: (id: string) => HTMLElement }) => container.getByTestId('location').textContent;
