import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useConfirmPasswordReset } from '@/api/auth';
import { AuthCard } from '@/components/auth/AuthCard';
import { FormAlert, TextField } from '@/components/ui/FormField';
import { splitErrors } from '@/lib/formErrors';

export default function ResetPasswordPage() {
  const { uid = '', token = '' } = useParams();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const confirm = useConfirmPasswordReset();
  const { fieldErrors, formError } = splitErrors(confirm.error, ['new_password']);
  const mismatch = repeat.length > 0 && password !== repeat;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    confirm.mutate({ uid, token, new_password: password });
  }

  return (
    <AuthCard title="Choose a new password">
      {confirm.isSuccess ? (
        <>
          <div className="alert alert-success" role="status">
            Your password has been changed.
          </div>
          <Link to="/login" className="btn btn-primary w-100">
            Sign in
          </Link>
        </>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <FormAlert error={formError} />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            autoFocus
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fieldErrors.new_password}
          />
          <TextField
            label="Repeat the new password"
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(event) => setRepeat(event.target.value)}
            error={mismatch ? ['The passwords do not match.'] : undefined}
          />
          <button type="submit" className="btn btn-primary w-100" disabled={confirm.isPending || !password || mismatch}>
            Set password
          </button>
        </form>
      )}
      <div className="text-center mt-3">
        <Link to="/login" className="small">
          Back to sign in
        </Link>
      </div>
    </AuthCard>
  );
}
