import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/server';
import { renderApp } from '@/test/utils';
import SettingsSsoPage from './SettingsSsoPage';

const settings = {
  oidc_enabled: true, oidc_issuer_url: 'https://idp.example.com', oidc_client_id: 'cloudtally', oidc_client_secret_set: true,
  oidc_redirect_uri: 'https://assets.example.com/oidc/callback/', oidc_post_logout_redirect_uri: 'https://assets.example.com/login',
  oidc_scopes: 'openid email profile', oidc_role_claim: 'groups', oidc_admin_values: [], oidc_editor_values: [],
  oidc_button_label: 'Sign in with SSO', session_timeout_minutes: 480, discovery_interval: 'daily', email_host: '', email_port: 25,
  email_host_user: '', email_host_password_set: false, email_use_tls: false, email_use_ssl: false, email_from: '',
  updated_at: '2026-01-01T00:00:00Z',
}; // prettier-ignore

describe('SettingsSsoPage', () => {
  it('shows the redirect and post-logout URIs to register, each with its copy button', async () => {
    server.use(http.get('/api/settings/', () => HttpResponse.json(settings)));
    renderApp(<SettingsSsoPage />, { route: '/settings/sso' });
    const redirect = await screen.findByLabelText('Redirect URI to register at the provider');
    expect(redirect).toHaveValue('https://assets.example.com/oidc/callback/');
    expect(redirect).toHaveAccessibleDescription(/PUBLIC_BASE_URL/);
    const postLogout = screen.getByLabelText('Post-logout redirect URI to register at the provider');
    expect(postLogout).toHaveValue('https://assets.example.com/login');
    expect(postLogout).toHaveAccessibleDescription(/ends the provider's session/);
    expect(screen.getByRole('button', { name: 'Copy redirect URI' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy post-logout redirect URI' })).toBeInTheDocument();
  });
});
