import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useRequestPasswordReset } from '@/api/auth';
import { AuthCard } from '@/components/auth/AuthCard';
import { FormAlert, TextField } from '@/components/ui/FormField';
import { splitErrors } from '@/lib/formErrors';

export default function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const reset = useRequestPasswordReset();
  const { fieldErrors, formError } = splitErrors(reset.error, ['email']);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    reset.mutate(email);
  }

  return (
    <AuthCard title="Reset your password">
      {reset.isSuccess ? (
        <div className="alert alert-success" role="status">
          If an account uses <strong>{email}</strong>, a link to choose a new password is on its way. Check your inbox.
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p className="text-body-secondary small">Enter the e-mail address of your account and we will send you a link.</p>
          <FormAlert error={formError} />
          <TextField
            label="E-mail address"
            type="email"
            autoComplete="email"
            autoFocus
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={fieldErrors.email}
          />
          <button type="submit" className="btn btn-primary w-100" disabled={reset.isPending || !email}>
            Send reset link
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
