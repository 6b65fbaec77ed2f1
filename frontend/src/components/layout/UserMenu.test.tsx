import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { leaveTo } from '@/lib/leave';
import { server } from '@/test/server';
import { makeUser, renderApp } from '@/test/utils';
import { UserMenu } from './UserMenu';

vi.mock('@/lib/leave', () => ({ leaveTo: vi.fn() }));

async function signOut() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: /user menu for/i }));
  await user.click(screen.getByRole('menuitem', { name: /sign out/i }));
}

describe('UserMenu sign out', () => {
  beforeEach(() => vi.mocked(leaveTo).mockClear());

  it('after a password sign-in goes to the sign-in page', async () => {
    server.use(http.post('/api/auth/logout/', () => HttpResponse.json({ logout_url: '' })));
    renderApp(<UserMenu />, { route: '/assets' });
    await signOut();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(leaveTo).not.toHaveBeenCalled();
  });

  it("after an SSO sign-in continues at the provider's sign-out page", async () => {
    const providerLogout = 'https://idp.example.com/session/end?id_token_hint=x&post_logout_redirect_uri=y';
    server.use(http.post('/api/auth/logout/', () => HttpResponse.json({ logout_url: providerLogout })));
    renderApp(<UserMenu />, { route: '/assets', user: makeUser('viewer', { auth_source: 'oidc' }) });
    await signOut();
    await waitFor(() => expect(leaveTo).toHaveBeenCalledWith(providerLogout));
    expect(leaveTo).toHaveBeenCalledTimes(1);
  });
});
