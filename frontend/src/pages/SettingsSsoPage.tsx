import type { ReactNode } from 'react';
import { useTestSso } from '@/api/siteSettings';
import { errorMessage } from '@/api/client';
import { listText, SettingsForm, textList } from '@/components/settings/SettingsForm';
import { CopyButton } from '@/components/ui/CopyButton';
import { CheckboxField, TextField } from '@/components/ui/FormField';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';

const FIELDS = [
  'oidc_enabled', 'oidc_issuer_url', 'oidc_client_id', 'oidc_client_secret', 'oidc_scopes', 'oidc_role_claim',
  'oidc_admin_values', 'oidc_editor_values', 'oidc_button_label',
] as const; // prettier-ignore

export default function SettingsSsoPage() {
  useDocumentTitle('Single sign-on settings');
  const test = useTestSso();
  return (
    <>
      <h1 className="h4">Single sign-on (OpenID Connect)</h1>
      <p className="text-body-secondary small">
        Users sign in with your identity provider; their role follows the claim below at every login unless an admin pinned it.
      </p>
      <SettingsForm fields={FIELDS} secrets={['oidc_client_secret']} label="Single sign-on settings">
        {({ values, set, errors, saved }) => (
          <>
            <CheckboxField label="Enable single sign-on" checked={Boolean(values.oidc_enabled)} onChange={(e) => set('oidc_enabled', e.target.checked)} error={errors.oidc_enabled} />
            <TextField label="Issuer URL" type="url" placeholder="https://login.example.com/realms/company" value={String(values.oidc_issuer_url)} onChange={(e) => set('oidc_issuer_url', e.target.value)} error={errors.oidc_issuer_url} help="Endpoints are read from its /.well-known/openid-configuration." />
            <div className="mb-3">
              <button type="button" className="btn btn-outline-secondary btn-sm" disabled={test.isPending || !values.oidc_issuer_url} onClick={() => test.mutate(String(values.oidc_issuer_url))}>
                {test.isPending ? 'Testing…' : 'Test issuer'}
              </button>
              {test.data && (
                <div className={`alert mt-2 py-2 ${test.data.ok ? 'alert-success' : 'alert-danger'}`} role="status">
                  {test.data.message}
                </div>
              )}
              {test.error !== null && (
                <div className="alert alert-danger mt-2 py-2" role="alert">
                  {errorMessage(test.error)}
                </div>
              )}
            </div>
            <RegisterUri id="sso-redirect-uri" label="Redirect URI" copyLabel="Copy redirect URI" value={saved.oidc_redirect_uri}>
              Built from the server&apos;s PUBLIC_BASE_URL setting.
            </RegisterUri>
            <RegisterUri id="sso-post-logout-uri" label="Post-logout redirect URI" copyLabel="Copy post-logout redirect URI" value={saved.oidc_post_logout_redirect_uri}>
              Signing out of Cloudtally also ends the provider&apos;s session, and the provider sends the browser back here.
            </RegisterUri>
            <div className="row">
              <div className="col-md-6">
                <TextField label="Client ID" value={String(values.oidc_client_id)} onChange={(e) => set('oidc_client_id', e.target.value)} error={errors.oidc_client_id} />
              </div>
              <div className="col-md-6">
                <TextField
                  label="Client secret"
                  type="password"
                  autoComplete="new-password"
                  placeholder={saved.oidc_client_secret_set ? '•••••••• (stored; type to replace)' : ''}
                  value={String(values.oidc_client_secret)}
                  onChange={(e) => set('oidc_client_secret', e.target.value)}
                  error={errors.oidc_client_secret}
                  help={saved.oidc_client_secret_set ? 'A secret is stored. It is never shown.' : 'No secret stored yet.'}
                />
              </div>
            </div>
            <TextField label="Scopes" value={String(values.oidc_scopes)} onChange={(e) => set('oidc_scopes', e.target.value)} error={errors.oidc_scopes} />
            <TextField label="Role claim" help="The claim holding the user's groups or roles, e.g. groups." value={String(values.oidc_role_claim)} onChange={(e) => set('oidc_role_claim', e.target.value)} error={errors.oidc_role_claim} />
            <div className="row">
              <div className="col-md-6">
                <TextField label="Claim values that mean Admin" help="Comma separated." value={listText(values.oidc_admin_values)} onChange={(e) => set('oidc_admin_values', textList(e.target.value))} error={errors.oidc_admin_values} />
              </div>
              <div className="col-md-6">
                <TextField label="Claim values that mean Editor" help="Comma separated. Everyone else is a Viewer." value={listText(values.oidc_editor_values)} onChange={(e) => set('oidc_editor_values', textList(e.target.value))} error={errors.oidc_editor_values} />
              </div>
            </div>
            <TextField label="Login button label" value={String(values.oidc_button_label)} onChange={(e) => set('oidc_button_label', e.target.value)} error={errors.oidc_button_label} />
          </>
        )}
      </SettingsForm>
    </>
  );
}

/** A read-only URI (built by the server) that the admin registers at the provider, with a copy button. */
function RegisterUri({ id, label, copyLabel, value, children }: { id: string; label: string; copyLabel: string; value: string; children: ReactNode }) {
  return (
    <div className="mb-3">
      <label className="form-label" htmlFor={id}>
        {label} to register at the provider
      </label>
      <div className="input-group">
        <input id={id} className="form-control font-monospace" readOnly value={value} aria-describedby={`${id}-help`} />
        <CopyButton text={value} label={copyLabel} className="btn btn-outline-secondary" />
      </div>
      <div id={`${id}-help`} className="form-text">
        {children}
      </div>
    </div>
  );
}
