import { useState, type FormEvent } from 'react';
import { useCreateUser, useUpdateUserForm, type User } from '@/api/users';
import { CheckboxField, FormAlert, SelectField, TextField } from '@/components/ui/FormField';
import { Modal } from '@/components/ui/Modal';
import { ROLE_CHOICES } from '@/lib/choices';
import { splitErrors } from '@/lib/formErrors';

const FIELDS = ['username', 'email', 'first_name', 'last_name', 'role', 'role_pinned', 'is_active', 'password'];

export function UserModal({ user, onClose }: { user?: User; onClose: () => void }) {
  const [values, setValues] = useState({
    username: user?.username ?? '',
    email: user?.email ?? '',
    first_name: user?.first_name ?? '',
    last_name: user?.last_name ?? '',
    role: (user?.role ?? 'viewer') as NonNullable<User['role']>,
    role_pinned: user?.role_pinned ?? false,
    is_active: user?.is_active ?? true,
    password: '',
  });
  const create = useCreateUser();
  const update = useUpdateUserForm();
  const mutation = user ? update : create;
  const { fieldErrors, formError } = splitErrors(mutation.error, FIELDS);
  const text = (name: 'username' | 'email' | 'first_name' | 'last_name' | 'password') => ({
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
    error: fieldErrors[name],
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const { password, ...rest } = values;
    const body = { ...rest, role: rest.role as User['role'], ...(password ? { password } : {}) };
    if (user) update.mutate({ id: user.id, ...body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: onClose });
  }

  return (
    <Modal title={user ? `Edit ${user.username}` : 'New user'} onClose={onClose} size="lg">
      <form onSubmit={onSubmit} noValidate>
        <FormAlert error={formError} />
        <div className="row">
          <div className="col-md-6">
            <TextField label="Username" autoComplete="off" {...text('username')} />
          </div>
          <div className="col-md-6">
            <TextField label="E-mail" type="email" {...text('email')} />
          </div>
          <div className="col-md-6">
            <TextField label="First name" {...text('first_name')} />
          </div>
          <div className="col-md-6">
            <TextField label="Last name" {...text('last_name')} />
          </div>
          <div className="col-md-6">
            <SelectField label="Role" options={ROLE_CHOICES} value={values.role} onChange={(e) => setValues((v) => ({ ...v, role: e.target.value as NonNullable<User['role']> }))} error={fieldErrors.role} />
          </div>
          <div className="col-md-6">
            <TextField
              label={user ? 'New password (optional)' : 'Password'}
              type="password"
              autoComplete="new-password"
              help={user?.auth_source === 'oidc' ? 'This user signs in with SSO.' : undefined}
              {...text('password')}
            />
          </div>
        </div>
        <CheckboxField
          label="Pin role (single sign-on will not change it)"
          checked={values.role_pinned}
          onChange={(e) => setValues((v) => ({ ...v, role_pinned: e.target.checked }))}
          error={fieldErrors.role_pinned}
        />
        <CheckboxField label="Active (may sign in)" checked={values.is_active} onChange={(e) => setValues((v) => ({ ...v, is_active: e.target.checked }))} error={fieldErrors.is_active} />
        <div className="d-flex justify-content-end gap-2">
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!values.username || mutation.isPending}>
            {user ? 'Save user' : 'Create user'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
