import { NavLink, Outlet } from 'react-router';

const TABS = [
  { to: 'users', label: 'Users' },
  { to: 'sso', label: 'Single sign-on' },
  { to: 'email', label: 'E-mail' },
  { to: 'general', label: 'General' },
  { to: 'audit', label: 'Audit log' },
];

export default function SettingsPage() {
  return (
    <>
      <nav aria-label="Settings sections" className="mb-3">
        <ul className="nav nav-tabs">
          {TABS.map((tab) => (
            <li className="nav-item" key={tab.to}>
              <NavLink to={tab.to} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
