import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Sidebar } from '@/components/layout/Sidebar';
import { makeUser, renderApp } from '@/test/utils';
import { Can, RequireAuth, RequireRole } from './guards';

describe('route and role guards', () => {
  it('sends anonymous users to the login page with next set to where they were going', async () => {
    renderApp(
      <RequireAuth>
        <p>secret</p>
      </RequireAuth>,
      { route: '/assets?service=ec2', user: null, routes: [{ path: '/login', element: <p>login page</p> }] },
    );
    expect(await screen.findByText('login page')).toBeInTheDocument();
    expect(screen.queryByText('secret')).not.toBeInTheDocument();
  });

  it('keeps the next parameter in the redirect', async () => {
    const { router } = renderApp(
      <RequireAuth>
        <p>secret</p>
      </RequireAuth>,
      { route: '/assets/5?tab=history', user: null, routes: [{ path: '/login', element: <p>login page</p> }] },
    );
    await screen.findByText('login page');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/assets/5?tab=history')}`);
  });

  it('shows a clear no-access message when the role is too low', async () => {
    renderApp(
      <RequireRole role="admin">
        <p>admin page</p>
      </RequireRole>,
      { user: makeUser('editor') },
    );
    expect(await screen.findByRole('heading', { name: /you don't have access/i })).toBeInTheDocument();
    expect(screen.getByText('Admin')).toBeInTheDocument();
    expect(screen.queryByText('admin page')).not.toBeInTheDocument();
  });

  it('lets a high enough role through', async () => {
    renderApp(
      <RequireRole role="editor">
        <p>editor page</p>
      </RequireRole>,
      { user: makeUser('admin') },
    );
    expect(await screen.findByText('editor page')).toBeInTheDocument();
  });

  it('hides edit controls from viewers', async () => {
    renderApp(
      <>
        <p>always</p>
        <Can role="editor">
          <button type="button">Edit</button>
        </Can>
      </>,
      { user: makeUser('viewer') },
    );
    expect(await screen.findByText('always')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });

  it('shows admin navigation to admins only', async () => {
    const { unmount } = renderApp(<Sidebar />, { user: makeUser('editor') });
    expect(await screen.findByRole('link', { name: /assets/i })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /settings/i })).not.toBeInTheDocument();
    unmount();
    renderApp(<Sidebar />, { user: makeUser('admin') });
    expect(await screen.findByRole('link', { name: /settings/i })).toBeInTheDocument();
  });
});
