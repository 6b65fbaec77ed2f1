import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/server';
import { makeUser, renderApp } from '@/test/utils';
import LoginPage from './LoginPage';

const config = (sso: boolean) =>
  http.get('/api/auth/config/', () =>
    HttpResponse.json({ sso_enabled: sso, sso_button_label: 'Sign in with Keycloak', sso_login_url: '/oidc/authenticate/', session_timeout_minutes: 480 }),
  );

describe('LoginPage', () => {
  it('shows the SSO button only when SSO is on, carrying next', async () => {
    server.use(config(true));
    renderApp(<LoginPage />, { route: '/login?next=%2Fassets%3Fservice%3Dec2', path: '/login', user: null });
    const sso = await screen.findByRole('link', { name: /sign in with keycloak/i });
    expect(sso).toHaveAttribute('href', '/oidc/authenticate/?next=%2Fassets%3Fservice%3Dec2');
  });

  it('has no SSO button when SSO is off', async () => {
    server.use(config(false));
    renderApp(<LoginPage />, { route: '/login', path: '/login', user: null });
    await screen.findByLabelText('Username');
    await waitFor(() => expect(screen.queryByRole('link', { name: /sso|keycloak/i })).not.toBeInTheDocument());
  });

  it('shows the API message on bad credentials, then signs in and follows next', async () => {
    server.use(config(false));
    let attempts = 0;
    server.use(
      http.post('/api/auth/login/', async ({ request }) => {
        attempts += 1;
        const body = (await request.json()) as { password: string };
        if (body.password !== 'right') return HttpResponse.json({ detail: 'Invalid username or password.' }, { status: 400 });
        return HttpResponse.json(makeUser('viewer'));
      }),
    );
    const user = userEvent.setup();
    renderApp(<LoginPage />, { route: '/login?next=%2Fassets', path: '/login', user: null, routes: [{ path: '/assets', element: <p>asset list</p> }] });
    await user.type(await screen.findByLabelText('Username'), 'viewer');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid username or password.');

    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'right');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('asset list')).toBeInTheDocument();
    expect(attempts).toBe(2);
  });

  it('never follows an off-site next', async () => {
    server.use(config(false), http.post('/api/auth/login/', () => HttpResponse.json(makeUser('viewer'))));
    const user = userEvent.setup();
    renderApp(<LoginPage />, { route: '/login?next=%2F%2Fevil.example', path: '/login', user: null, routes: [{ path: '/', element: <p>home</p> }] });
    await user.type(await screen.findByLabelText('Username'), 'v');
    await user.type(screen.getByLabelText('Password'), 'p');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('home')).toBeInTheDocument();
  });
});
