import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useCreateSavedView, useDeleteSavedView, useSavedViews, type SavedView } from '@/api/savedViews';
import { useAuth } from '@/contexts/AuthContext';
import { copyText } from '@/components/ui/CopyButton';
import { Dropdown } from '@/components/ui/Dropdown';
import { CheckboxField, FormAlert, TextField } from '@/components/ui/FormField';
import { Icon } from '@/components/ui/Icon';
import { Modal } from '@/components/ui/Modal';
import { splitErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';

export const viewUrl = (view: Pick<SavedView, 'query'>) => `/assets${view.query ? `?${view.query}` : ''}`;

function SaveViewModal({ query, columns, onClose }: { query: string; columns: string[]; onClose: () => void }) {
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const create = useCreateSavedView();
  const { fieldErrors, formError } = splitErrors(create.error, ['name', 'query', 'shared']);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, query, shared, columns }, { onSuccess: onClose });
  }
  return (
    <Modal title="Save this view" onClose={onClose}>
      <form onSubmit={onSubmit}>
        <FormAlert error={formError ?? fieldErrors.query?.join(' ')} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} required />
        <CheckboxField label="Share with everyone" help="Shared views appear in every user's list." checked={shared} onChange={(e) => setShared(e.target.checked)} />
        <p className="small text-body-secondary text-break">
          Filters: <code>{query || '(none)'}</code>
        </p>
        <div className="d-flex justify-content-end gap-2">
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!name || create.isPending}>
            Save view
          </button>
        </div>
      </form>
    </Modal>
  );
}

interface SavedViewsProps {
  query: string;
  columns: string[];
  /** A view remembers its columns too; applying it restores them. */
  onApplyColumns: (columns: string[]) => void;
  /** False holds back the request for the list of views. */
  load?: boolean;
}

export function SavedViews({ query, columns, onApplyColumns, load = true }: SavedViewsProps) {
  const views = useSavedViews({ enabled: load });
  const remove = useDeleteSavedView();
  const navigate = useNavigate();
  const { user, isEditor } = useAuth();
  const [saving, setSaving] = useState(false);

  async function share(view: SavedView) {
    const ok = await copyText(`${window.location.origin}${viewUrl(view)}`);
    if (ok) toast.success(`Link to “${view.name}” copied.`);
    else toast.error('Could not copy the link.');
  }

  return (
    <>
      <Dropdown label="Saved views" toggle={<><Icon name="bookmark" /> Views</>} toggleClassName="btn btn-outline-secondary" align="start">
        {(close) => (
          <>
            {views.isPending ? (
              <li className="dropdown-item-text small text-body-secondary">Loading views…</li>
            ) : (
              (views.data ?? []).length === 0 && <li className="dropdown-item-text small text-body-secondary">No saved views yet</li>
            )}
            {(views.data ?? []).map((view) => (
              <li key={view.id} className="d-flex align-items-center">
                <button
                  type="button"
                  role="menuitem"
                  className="dropdown-item flex-grow-1"
                  onClick={() => {
                    close();
                    if (view.columns && view.columns.length > 0) onApplyColumns(view.columns);
                    navigate(viewUrl(view));
                  }}
                >
                  {view.name} {view.shared && <Icon name="people" className="text-body-secondary" />}
                </button>
                <button type="button" role="menuitem" className="btn btn-sm btn-link" aria-label={`Copy link to ${view.name}`} onClick={() => share(view)}>
                  <Icon name="link-45deg" />
                </button>
                {isEditor && (view.is_owner ?? view.owner === user?.username) && (
                  <button type="button" role="menuitem" className="btn btn-sm btn-link text-danger" aria-label={`Delete view ${view.name}`} onClick={() => remove.mutate(view.id)}>
                    <Icon name="trash" />
                  </button>
                )}
              </li>
            ))}
            {isEditor && (
              <>
                <li>
                  <hr className="dropdown-divider" />
                </li>
                <li>
                  <button
                    type="button"
                    role="menuitem"
                    className="dropdown-item"
                    onClick={() => {
                      close();
                      setSaving(true);
                    }}
                  >
                    <Icon name="bookmark-plus" /> Save current view…
                  </button>
                </li>
              </>
            )}
          </>
        )}
      </Dropdown>
      {saving && <SaveViewModal query={query} columns={columns} onClose={() => setSaving(false)} />}
    </>
  );
}
