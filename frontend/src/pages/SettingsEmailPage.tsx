import { useState } from 'react';
import { useSendTestEmail } from '@/api/siteSettings';
import { useAuth } from '@/contexts/AuthContext';
import { SettingsForm } from '@/components/settings/SettingsForm';
import { CheckboxField, FormAlert, TextField } from '@/components/ui/FormField';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';
import { splitErrors } from '@/lib/formErrors';

const FIELDS = ['email_host', 'email_port', 'email_host_user', 'email_host_password', 'email_use_tls', 'email_use_ssl', 'email_from'] as const;

function TestMail() {
  const { user } = useAuth();
  const [to, setTo] = useState(user?.email ?? '');
  const send = useSendTestEmail();
  const { fieldErrors, formError } = splitErrors(send.error, ['to']);
  return (
    <section className="card card-body mt-4" style={{ maxWidth: '48rem' }} aria-labelledby="test-mail">
      <h2 id="test-mail" className="h6">
        Send a test e-mail
      </h2>
      <FormAlert error={formError} />
      <div className="d-flex gap-2 align-items-start">
        <TextField label="Recipient" type="email" wrapperClassName="flex-grow-1 mb-0" value={to} onChange={(e) => setTo(e.target.value)} error={fieldErrors.to} />
        <button type="button" className="btn btn-outline-primary" style={{ marginTop: '2rem' }} disabled={!to || send.isPending} onClick={() => send.mutate(to)}>
          {send.isPending ? 'Sending…' : 'Send test e-mail'}
        </button>
      </div>
      {send.data && (
        <div className={`alert mt-2 py-2 mb-0 ${send.data.ok ? 'alert-success' : 'alert-danger'}`} role="status">
          {send.data.message}
        </div>
      )}
    </section>
  );
}

export default function SettingsEmailPage() {
  useDocumentTitle('E-mail settings');
  return (
    <>
      <h1 className="h4">E-mail</h1>
      <p className="text-body-secondary small">Used for password reset links and notifications. Leave the host empty to use the server's own configuration.</p>
      <SettingsForm fields={FIELDS} secrets={['email_host_password']} label="E-mail settings">
        {({ values, set, errors, saved }) => (
          <>
            <div className="row">
              <div className="col-md-8">
                <TextField label="SMTP host" value={String(values.email_host)} onChange={(e) => set('email_host', e.target.value)} error={errors.email_host} />
              </div>
              <div className="col-md-4">
                <TextField label="Port" type="number" min={1} max={65535} value={String(values.email_port)} onChange={(e) => set('email_port', Number(e.target.value))} error={errors.email_port} />
              </div>
              <div className="col-md-6">
                <TextField label="Username" autoComplete="off" value={String(values.email_host_user)} onChange={(e) => set('email_host_user', e.target.value)} error={errors.email_host_user} />
              </div>
              <div className="col-md-6">
                <TextField
                  label="Password"
                  type="password"
                  autoComplete="new-password"
                  placeholder={saved.email_host_password_set ? '•••••••• (stored; type to replace)' : ''}
                  value={String(values.email_host_password)}
                  onChange={(e) => set('email_host_password', e.target.value)}
                  error={errors.email_host_password}
                />
              </div>
            </div>
            <CheckboxField label="Use STARTTLS" checked={Boolean(values.email_use_tls)} onChange={(e) => set('email_use_tls', e.target.checked)} error={errors.email_use_tls} />
            <CheckboxField label="Use SSL/TLS" checked={Boolean(values.email_use_ssl)} onChange={(e) => set('email_use_ssl', e.target.checked)} error={errors.email_use_ssl} />
            <TextField label="From address" value={String(values.email_from)} onChange={(e) => set('email_from', e.target.value)} error={errors.email_from} />
          </>
        )}
      </SettingsForm>
      <TestMail />
    </>
  );
}
