import { useState, type FormEvent } from 'react';
import { useChangePassword } from '@/api/auth';
import { FormAlert, TextField } from '@/components/ui/FormField';
import { splitErrors } from '@/lib/formErrors';

export function ChangePasswordForm() {
  const [oldPassword, setOldPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const change = useChangePassword();
  const { fieldErrors, formError } = splitErrors(change.error, ['old_password', 'new_password']);
  const mismatch = repeat.length > 0 && repeat !== newPassword;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    change.mutate(
      { old_password: oldPassword, new_password: newPassword },
      {
        onSuccess: () => {
          setOldPassword('');
          setNewPassword('');
          setRepeat('');
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Change password">
      <FormAlert error={formError} />
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={oldPassword}
        onChange={(event) => setOldPassword(event.target.value)}
        error={fieldErrors.old_password}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={newPassword}
        onChange={(event) => setNewPassword(event.target.value)}
        error={fieldErrors.new_password}
      />
      <TextField
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        value={repeat}
        onChange={(event) => setRepeat(event.target.value)}
        error={mismatch ? ['The passwords do not match.'] : undefined}
      />
      <button type="submit" className="btn btn-primary" disabled={change.isPending || !oldPassword || !newPassword || mismatch}>
        Change password
      </button>
    </form>
  );
}
