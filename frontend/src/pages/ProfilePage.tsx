import { useAuth } from '@/contexts/AuthContext';
import { PageHeader } from '@/components/ui/PageHeader';
import { ApiTokens } from '@/components/profile/ApiTokens';
import { ChangePasswordForm } from '@/components/profile/ChangePasswordForm';
import { formatDateTime } from '@/lib/format';
import { ROLE_LABELS, type Role } from '@/lib/roles';

export default function ProfilePage() {
  const { user } = useAuth();
  if (!user) return null;
  return (
    <>
      <PageHeader title="My profile" subtitle={`${user.username} · ${ROLE_LABELS[user.role as Role] ?? user.role}`} />
      <div className="row g-4">
        <div className="col-lg-5">
          <section className="card mb-4" aria-labelledby="profile-account">
            <div className="card-body">
              <h2 id="profile-account" className="h5">
                Account
              </h2>
              <dl className="row mb-0 small">
                <dt className="col-5">Name</dt>
                <dd className="col-7">{[user.first_name, user.last_name].filter(Boolean).join(' ') || '—'}</dd>
                <dt className="col-5">E-mail</dt>
                <dd className="col-7">{user.email || '—'}</dd>
                <dt className="col-5">Sign-in</dt>
                <dd className="col-7">{user.auth_source === 'oidc' ? 'Single sign-on' : 'Password'}</dd>
                <dt className="col-5">Last login</dt>
                <dd className="col-7">{formatDateTime(user.last_login)}</dd>
              </dl>
            </div>
          </section>
          <section className="card" aria-labelledby="profile-password">
            <div className="card-body">
              <h2 id="profile-password" className="h5">
                Change password
              </h2>
              {user.auth_source === 'oidc' ? (
                <p className="text-body-secondary mb-0">Your password is managed by your single sign-on provider.</p>
              ) : (
                <ChangePasswordForm />
              )}
            </div>
          </section>
        </div>
        <div className="col-lg-7">
          <section className="card" aria-labelledby="profile-tokens">
            <div className="card-body">
              <h2 id="profile-tokens" className="h5">
                API tokens
              </h2>
              <ApiTokens />
            </div>
          </section>
        </div>
      </div>
    </>
  );
}
