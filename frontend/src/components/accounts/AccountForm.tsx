import { useState, type FormEvent } from 'react';
import { useAccounts, type Account, type AccountInput } from '@/api/accounts';
import { CheckboxField, FormAlert, SelectField, TextField } from '@/components/ui/FormField';
import { ACCOUNT_TYPE_CHOICES, ENVIRONMENT_CHOICES } from '@/lib/choices';
import { splitErrors } from '@/lib/formErrors';
import { RegionPicker } from './RegionPicker';

export type AccountPayload = Partial<AccountInput> & { clear_credentials?: boolean };

const FIELDS = ['account_id', 'name', 'account_type', 'environment', 'role_name', 'external_id', 'regions', 'is_active', 'management_account', 'access_key_id', 'secret_access_key', 'clear_credentials'];

interface AccountFormProps {
  account?: Account;
  error: unknown;
  busy: boolean;
  onSubmit: (payload: AccountPayload) => void;
  onCancel: () => void;
}

export function AccountForm({ account, error, busy, onSubmit, onCancel }: AccountFormProps) {
  const accounts = useAccounts();
  const [values, setValues] = useState({
    account_id: account?.account_id ?? '',
    name: account?.name ?? '',
    account_type: account?.account_type ?? 'member',
    environment: account?.environment ?? 'production',
    role_name: account?.role_name ?? '',
    external_id: account?.external_id ?? '',
    is_active: account?.is_active ?? true,
    management_account: account?.management_account ? String(account.management_account) : '',
    access_key_id: '',
    secret_access_key: '',
    clear_credentials: false,
  });
  const [regions, setRegions] = useState<string[]>(account?.regions ?? []);
  const { fieldErrors, formError } = splitErrors(error, FIELDS);
  const bind = (name: keyof typeof values) => ({
    value: values[name] as string,
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
    error: fieldErrors[name],
  });
  const managementAccounts = (accounts.data ?? []).filter((a) => a.account_type === 'management' && a.id !== account?.id);

  function submit(event: FormEvent) {
    event.preventDefault();
    const payload: AccountPayload = {
      name: values.name,
      account_type: values.account_type as AccountInput['account_type'],
      environment: values.environment as AccountInput['environment'],
      role_name: values.role_name,
      external_id: values.external_id,
      regions,
      is_active: values.is_active,
      management_account: values.management_account ? Number(values.management_account) : null,
    };
    if (!account) payload.account_id = values.account_id;
    // Write-only secrets: sent only when typed, so a blank field keeps what is stored.
    if (values.access_key_id) payload.access_key_id = values.access_key_id;
    if (values.secret_access_key) payload.secret_access_key = values.secret_access_key;
    if (values.clear_credentials) payload.clear_credentials = true;
    onSubmit(payload);
  }

  return (
    <form onSubmit={submit} noValidate aria-label={account ? 'Edit AWS account' : 'Add AWS account'}>
      <FormAlert error={formError} />
      <div className="row g-4">
        <div className="col-lg-6">
          <TextField label="AWS account ID" inputMode="numeric" maxLength={12} readOnly={Boolean(account)} help={account ? 'The account id cannot change.' : '12 digits.'} {...bind('account_id')} />
          <TextField label="Name" {...bind('name')} />
          <div className="row">
            <div className="col-sm-6">
              <SelectField label="Account type" options={ACCOUNT_TYPE_CHOICES} {...bind('account_type')} />
            </div>
            <div className="col-sm-6">
              <SelectField label="Environment" options={ENVIRONMENT_CHOICES} {...bind('environment')} />
            </div>
          </div>
          {values.account_type === 'member' && (
            <SelectField label="Management account" emptyLabel="(none)" options={managementAccounts.map((a) => ({ value: String(a.id), label: `${a.name} (${a.account_id})` }))} {...bind('management_account')} />
          )}
          <CheckboxField label="Active (included in discovery)" checked={values.is_active} onChange={(e) => setValues((v) => ({ ...v, is_active: e.target.checked }))} error={fieldErrors.is_active} />
          <fieldset className="border rounded p-3">
            <legend className="float-none w-auto px-1 fs-6 mb-0">Access</legend>
            <TextField label="Role name" help="The IAM role Cloudtally assumes in this account." {...bind('role_name')} />
            <TextField label="External ID" autoComplete="off" {...bind('external_id')} />
            <p className="small text-body-secondary mb-2">
              Access keys (optional, write-only).{' '}
              {account?.has_credentials ? <span className="badge text-bg-success">Keys stored</span> : <span className="badge text-bg-secondary">No keys stored</span>} Leave blank to keep what is
              stored.
            </p>
            <TextField label="Access key ID" autoComplete="off" {...bind('access_key_id')} />
            <TextField label="Secret access key" type="password" autoComplete="new-password" {...bind('secret_access_key')} />
            {account?.has_credentials && (
              <CheckboxField label="Remove the stored access keys" checked={values.clear_credentials} onChange={(e) => setValues((v) => ({ ...v, clear_credentials: e.target.checked }))} />
            )}
          </fieldset>
        </div>
        <div className="col-lg-6">
          <RegionPicker value={regions} onChange={setRegions} error={fieldErrors.regions} />
        </div>
      </div>
      <div className="d-flex gap-2 justify-content-end border-top pt-3 mt-3">
        <button type="button" className="btn btn-outline-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {account ? 'Save account' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
