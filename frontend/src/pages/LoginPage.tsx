import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useAuthConfig, useLogin } from '@/api/auth';
import { useAuth } from '@/contexts/AuthContext';
import { AuthCard } from '@/components/auth/AuthCard';
import { FormAlert, TextField } from '@/components/ui/FormField';
import { Icon } from '@/components/ui/Icon';
import { splitErrors } from '@/lib/formErrors';
import { safeNext, ssoUrl } from '@/lib/safeNext';

export default function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const { user } = useAuth();
  const config = useAuthConfig();
  const login = useLogin();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  if (user) return <Navigate to={next} replace />;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ username, password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  const { fieldErrors, formError } = splitErrors(login.error, ['username', 'password']);
  const sso = config.data?.sso_enabled ? config.data : null;

  return (
    <AuthCard title="Sign in">
      {params.get('error') && <FormAlert error={params.get('error')} />}
      <form onSubmit={onSubmit} noValidate>
        <FormAlert error={formError} />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoFocus
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          error={fieldErrors.username}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fieldErrors.password}
        />
        <button type="submit" className="btn btn-primary w-100" disabled={login.isPending || !username || !password}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {sso && (
        <>
          <div className="text-center text-body-secondary small my-3">or</div>
          <a className="btn btn-outline-primary w-100" href={ssoUrl(sso.sso_login_url, next)}>
            <Icon name="shield-check" /> {sso.sso_button_label || 'Sign in with SSO'}
          </a>
        </>
      )}
      <div className="text-center mt-3">
        <Link to="/forgot-password" className="small">
          Forgot your password?
        </Link>
      </div>
    </AuthCard>
  );
}
