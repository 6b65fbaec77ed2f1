import { useState } from 'react';
import { useDeleteUser, useUpdateUser, useUsers, type User } from '@/api/users';
import { useAuth } from '@/contexts/AuthContext';
import { SearchBox } from '@/components/assets/SearchBox';
import { UserModal } from '@/components/settings/UserModal';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { Icon } from '@/components/ui/Icon';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';
import { ROLE_CHOICES } from '@/lib/choices';
import { formatRelative } from '@/lib/format';

const PAGE_SIZE = 50;

export default function SettingsUsersPage() {
  useDocumentTitle('Users');
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const users = useUsers({ page, page_size: PAGE_SIZE, search: search || undefined });
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const { user: me } = useAuth();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  const columns: Column<User>[] = [
    {
      key: 'username',
      header: 'User',
      render: (u) => (
        <>
          <span className="fw-semibold">{u.username}</span> {u.id === me?.id && <span className="badge bg-body-secondary text-body-emphasis border">you</span>}
          <div className="small text-body-secondary">{[u.first_name, u.last_name].filter(Boolean).join(' ') || u.email}</div>
        </>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      render: (u) => (
        <select
          className="form-select form-select-sm"
          aria-label={`Role of ${u.username}`}
          value={u.role}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ id: u.id, role: e.target.value as User['role'] })}
        >
          {ROLE_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      ),
    },
    {
      key: 'pinned',
      header: 'Pinned',
      render: (u) => (
        <div className="form-check form-switch mb-0">
          <input
            className="form-check-input"
            type="checkbox"
            role="switch"
            aria-label={`Pin the role of ${u.username}`}
            checked={Boolean(u.role_pinned)}
            onChange={(e) => update.mutate({ id: u.id, role_pinned: e.target.checked })}
          />
        </div>
      ),
    },
    { key: 'source', header: 'Sign-in', render: (u) => (u.auth_source === 'oidc' ? 'SSO' : 'Password') },
    { key: 'last_login', header: 'Last login', render: (u) => formatRelative(u.last_login) },
    {
      key: 'active',
      header: 'Status',
      render: (u) => (u.is_active ? <span className="badge text-bg-success">active</span> : <span className="badge text-bg-secondary">deactivated</span>),
    },
    {
      key: 'actions',
      header: 'Actions',
      className: 'text-end text-nowrap',
      render: (u) => (
        <>
          <button type="button" className="btn btn-sm btn-outline-secondary me-1" onClick={() => setEditing(u)}>
            Edit<span className="visually-hidden"> {u.username}</span>
          </button>
          <button
            type="button"
            className="btn btn-sm btn-outline-warning me-1"
            disabled={u.id === me?.id}
            onClick={() => update.mutate({ id: u.id, is_active: !u.is_active })}
          >
            {u.is_active ? 'Deactivate' : 'Activate'}
            <span className="visually-hidden"> {u.username}</span>
          </button>
          <button type="button" className="btn btn-sm btn-outline-danger" disabled={u.id === me?.id} onClick={() => setDeleting(u)} aria-label={`Delete ${u.username}`}>
            <Icon name="trash" />
          </button>
        </>
      ),
    },
  ];

  return (
    <>
      <div className="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-3">
        <h1 className="h4 mb-0">Users</h1>
        <div className="d-flex gap-2">
          <SearchBox value={search} label="Search users" placeholder="Username, name or e-mail…" onSearch={(text) => { setSearch(text); setPage(1); }} />
          <button type="button" className="btn btn-primary text-nowrap" onClick={() => setEditing('new')}>
            <Icon name="person-plus" /> New user
          </button>
        </div>
      </div>
      <QueryBoundary query={users}>
        {(data) =>
          data.results.length === 0 ? (
            <EmptyState title="No users found" icon="people" />
          ) : (
            <>
              <div className="card">
                <DataTable caption="Users" columns={columns} rows={data.results} rowId={(u) => u.id} />
              </div>
              <Pagination label="User pages" page={page} pageSize={PAGE_SIZE} count={data.count} onPage={setPage} />
            </>
          )
        }
      </QueryBoundary>
      {editing && <UserModal user={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <ConfirmDialog title="Delete user" confirmLabel="Delete" busy={remove.isPending} onClose={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting.id, { onSettled: () => setDeleting(null) })}>
          Delete {deleting.username}? Deactivating keeps their history attributed; deleting cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
