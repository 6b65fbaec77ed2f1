import { useNavigate } from 'react-router';
import { useLogout } from '@/api/auth';
import { useAuth } from '@/contexts/AuthContext';
import { Dropdown } from '@/components/ui/Dropdown';
import { Icon } from '@/components/ui/Icon';
import { ROLE_LABELS, type Role } from '@/lib/roles';

export function UserMenu() {
  const { user } = useAuth();
  const logout = useLogout();
  const navigate = useNavigate();
  if (!user) return null;
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username;
  return (
    <Dropdown
      label={`User menu for ${user.username}`}
      toggleClassName="btn btn-sm btn-outline-secondary d-flex align-items-center gap-1"
      toggle={
        <>
          <Icon name="person-circle" /> <span className="d-none d-sm-inline">{user.username}</span>
        </>
      }
    >
      {(close) => (
        <>
          <li className="px-3 py-2 small">
            <div className="fw-semibold">{name}</div>
            <div className="text-body-secondary">{ROLE_LABELS[user.role as Role] ?? user.role}</div>
          </li>
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
                navigate('/profile');
              }}
            >
              <Icon name="person-gear" /> Profile &amp; API tokens
            </button>
          </li>
          <li>
            <button
              type="button"
              role="menuitem"
              className="dropdown-item"
              onClick={() =>
                logout.mutate(undefined, {
                  // An SSO sign-out continues at the provider (useLogout), which sends the browser back to /login.
                  onSuccess: ({ logout_url }) => {
                    if (!logout_url) navigate('/login', { replace: true });
                  },
                  onError: () => navigate('/login', { replace: true }),
                })
              }
            >
              <Icon name="box-arrow-right" /> Sign out
            </button>
          </li>
        </>
      )}
    </Dropdown>
  );
}
