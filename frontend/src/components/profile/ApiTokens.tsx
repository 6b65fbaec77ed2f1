import { useState, type FormEvent } from 'react';
import { useCreateToken, useRevokeToken, useTokens, type ApiToken, type ApiTokenCreated } from '@/api/tokens';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { CopyButton } from '@/components/ui/CopyButton';
import { FormAlert, TextField } from '@/components/ui/FormField';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { formatDateTime } from '@/lib/format';
import { splitErrors } from '@/lib/formErrors';

function NewTokenForm({ onCreated }: { onCreated: (token: ApiTokenCreated) => void }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const create = useCreateToken();
  const { fieldErrors, formError } = splitErrors(create.error, ['name', 'expires_at']);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const expires_at = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    create.mutate(
      { name, expires_at },
      {
        onSuccess: (token) => {
          setName('');
          setExpires('');
          onCreated(token);
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="row g-2 align-items-end mb-3" aria-label="Create API token">
      <FormAlert error={formError} />
      <div className="col-sm-5">
        <TextField label="Token name" wrapperClassName="" value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} placeholder="e.g. CI export" />
      </div>
      <div className="col-sm-4">
        <TextField label="Expires on (optional)" wrapperClassName="" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} error={fieldErrors.expires_at} />
      </div>
      <div className="col-sm-3">
        <button type="submit" className="btn btn-primary w-100" disabled={!name || create.isPending}>
          Create token
        </button>
      </div>
    </form>
  );
}

function RevealedToken({ token, onDone }: { token: ApiTokenCreated; onDone: () => void }) {
  return (
    <div className="alert alert-success" role="status">
      <p className="mb-2">
        <strong>Token “{token.name}” created.</strong> Copy it now: it will not be shown again.
      </p>
      <div className="input-group mb-2">
        <input className="form-control font-monospace" readOnly value={token.token} aria-label="New API token" onFocus={(e) => e.target.select()} />
        <CopyButton text={token.token} label="Copy token" className="btn btn-outline-secondary" />
      </div>
      <button type="button" className="btn btn-sm btn-outline-success" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

export function ApiTokens() {
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [revealed, setRevealed] = useState<ApiTokenCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  return (
    <>
      <p className="text-body-secondary small">
        Use a token for automation: <code>Authorization: Bearer &lt;token&gt;</code>. It acts with your role.
      </p>
      {revealed ? <RevealedToken token={revealed} onDone={() => setRevealed(null)} /> : <NewTokenForm onCreated={setRevealed} />}
      <QueryBoundary query={tokens}>
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No API tokens yet" icon="key" />
          ) : (
            <div className="table-responsive">
              <table className="table align-middle">
                <caption className="visually-hidden">Your API tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((token) => (
                    <tr key={token.id}>
                      <td>{token.name}</td>
                      <td>
                        <code>{token.prefix}…</code>
                      </td>
                      <td>{formatDateTime(token.created_at)}</td>
                      <td>{formatDateTime(token.last_used_at)}</td>
                      <td>{token.expires_at ? formatDateTime(token.expires_at) : 'Never'}</td>
                      <td className="text-end">
                        <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => setRevoking(token)}>
                          Revoke<span className="visually-hidden"> {token.name}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryBoundary>
      {revoking && (
        <ConfirmDialog
          title="Revoke token"
          confirmLabel="Revoke"
          busy={revoke.isPending}
          onClose={() => setRevoking(null)}
          onConfirm={() => revoke.mutate(revoking.id, { onSettled: () => setRevoking(null) })}
        >
          Scripts using “{revoking.name}” will stop working immediately.
        </ConfirmDialog>
      )}
    </>
  );
}
