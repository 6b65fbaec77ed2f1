import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useDeleteAccount, useDiscoverAccount, useSyncOrg, useTestConnection, type Account, type ConnectionTest, type OrgSyncResult } from '@/api/accounts';
import { ApiError, errorMessage } from '@/api/client';
import { Can } from '@/components/auth/guards';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Dropdown } from '@/components/ui/Dropdown';
import { Icon } from '@/components/ui/Icon';
import { Modal } from '@/components/ui/Modal';
import { toast } from '@/lib/toast';

function ConnectionResult({ account, result, onClose }: { account: Account; result: ConnectionTest; onClose: () => void }) {
  return (
    <Modal title={`Connection test: ${account.name}`} onClose={onClose}>
      <div className={`alert ${result.ok ? 'alert-success' : 'alert-danger'}`} role="status">
        <Icon name={result.ok ? 'check-circle' : 'x-circle'} /> {result.message}
      </div>
      {result.identity && (
        <dl className="row small mb-0">
          {Object.entries(result.identity).map(([key, value]) => (
            <div key={key} className="d-flex">
              <dt className="col-4 fw-normal text-body-secondary">{key}</dt>
              <dd className="col-8 mb-1 font-monospace text-break">{String(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </Modal>
  );
}

function SyncResult({ result, onClose }: { result: OrgSyncResult; onClose: () => void }) {
  return (
    <Modal title="Organizations sync" onClose={onClose}>
      <p>
        {result.created} accounts added, {result.updated} updated, {result.skipped} skipped
        {'deactivated' in result ? `, ${(result as { deactivated?: number }).deactivated ?? 0} deactivated` : ''}.
      </p>
      <ul className="small">
        {result.accounts.map((a) => (
          <li key={a.id}>
            {a.name} <span className="font-monospace text-body-secondary">{a.account_id}</span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

/** Row actions: discovery for editors; test, Organizations sync, edit and delete for admins. */
export function AccountActions({ account }: { account: Account }) {
  const navigate = useNavigate();
  const discover = useDiscoverAccount();
  const test = useTestConnection();
  const sync = useSyncOrg();
  const remove = useDeleteAccount();
  const [modal, setModal] = useState<'test' | 'sync' | 'delete' | null>(null);

  function startDiscovery() {
    discover.mutate(account.id, {
      onSuccess: (job) => navigate(`/discovery/${job.id}`),
      onError: (error) => {
        const running = error instanceof ApiError && error.status === 409 ? (error.body as { job_id?: number } | null)?.job_id : undefined;
        if (running) {
          toast.info('A discovery of this account is already running.');
          navigate(`/discovery/${running}`);
        } else toast.error(errorMessage(error));
      },
    });
  }

  return (
    <div className="d-flex gap-1 justify-content-end">
      <Can role="editor">
        <button type="button" className="btn btn-sm btn-outline-primary text-nowrap" onClick={startDiscovery} disabled={discover.isPending || !account.is_active}>
          <Icon name="radar" /> Discover<span className="visually-hidden"> {account.name}</span>
        </button>
      </Can>
      <Can role="admin">
        <Dropdown label={`More actions for ${account.name}`} toggle={<Icon name="three-dots" />} toggleClassName="btn btn-sm btn-outline-secondary">
          {(close) => (
            <>
              <li>
                <button type="button" role="menuitem" className="dropdown-item" onClick={() => { close(); test.mutate(account.id, { onSuccess: () => setModal('test') }); }}>
                  <Icon name="plug" /> Test connection
                </button>
              </li>
              {account.account_type === 'management' && (
                <li>
                  <button type="button" role="menuitem" className="dropdown-item" onClick={() => { close(); sync.mutate(account.id, { onSuccess: () => setModal('sync') }); }}>
                    <Icon name="diagram-2" /> Sync Organizations accounts
                  </button>
                </li>
              )}
              <li>
                <Link role="menuitem" className="dropdown-item" to={`/accounts/${account.id}/edit`}>
                  <Icon name="pencil" /> Edit
                </Link>
              </li>
              <li>
                <button type="button" role="menuitem" className="dropdown-item text-danger" onClick={() => { close(); setModal('delete'); }}>
                  <Icon name="trash" /> Delete
                </button>
              </li>
            </>
          )}
        </Dropdown>
      </Can>
      {(test.isPending || sync.isPending) && <span className="spinner-border spinner-border-sm align-self-center" role="status" aria-label="Working" />}
      {modal === 'test' && test.data && <ConnectionResult account={account} result={test.data} onClose={() => setModal(null)} />}
      {modal === 'sync' && sync.data && <SyncResult result={sync.data} onClose={() => setModal(null)} />}
      {modal === 'delete' && (
        <ConfirmDialog title="Delete AWS account" confirmLabel="Delete" busy={remove.isPending} onClose={() => setModal(null)} onConfirm={() => remove.mutate(account.id, { onSettled: () => setModal(null) })}>
          Delete “{account.name}” ({account.account_id})? Accounts that still have assets cannot be deleted; deactivate them instead.
        </ConfirmDialog>
      )}
    </div>
  );
}
