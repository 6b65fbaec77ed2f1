import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useAccounts } from '@/api/accounts';
import { ApiError, errorMessage } from '@/api/client';
import { useStartDiscovery } from '@/api/discovery';
import { FormAlert } from '@/components/ui/FormField';
import { Icon } from '@/components/ui/Icon';

/** Start a discovery of every active account or of one; a job already running for it is opened instead. */
export function StartDiscovery() {
  const accounts = useAccounts();
  const start = useStartDiscovery();
  const navigate = useNavigate();
  const [account, setAccount] = useState('');
  const selectId = useId();
  const runningJob = start.error instanceof ApiError && start.error.status === 409 ? (start.error.body as { job_id?: number } | null)?.job_id : undefined;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    start.mutate(account ? Number(account) : null, { onSuccess: (job) => navigate(`/discovery/${job.id}`) });
  }

  return (
    <form onSubmit={onSubmit} className="card card-body mb-3" aria-label="Start discovery">
      <div className="row g-2 align-items-end">
        <div className="col-sm-6 col-lg-4">
          <label htmlFor={selectId} className="form-label">
            Scope
          </label>
          <select id={selectId} className="form-select" value={account} onChange={(e) => setAccount(e.target.value)}>
            <option value="">All active accounts</option>
            {(accounts.data ?? [])
              .filter((a) => a.is_active)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.account_id})
                </option>
              ))}
          </select>
        </div>
        <div className="col-auto">
          <button type="submit" className="btn btn-primary" disabled={start.isPending}>
            <Icon name="play-fill" /> {start.isPending ? 'Starting…' : 'Start discovery'}
          </button>
        </div>
      </div>
      {start.error !== null && (
        <div className="mt-3">
          {runningJob ? (
            <div className="alert alert-info mb-0" role="status">
              {errorMessage(start.error)}{' '}
              <button type="button" className="btn btn-link p-0 align-baseline" onClick={() => navigate(`/discovery/${runningJob}`)}>
                Open the running job #{runningJob}
              </button>
            </div>
          ) : (
            <FormAlert error={errorMessage(start.error)} />
          )}
        </div>
      )}
    </form>
  );
}
