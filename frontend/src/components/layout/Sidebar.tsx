import { NavLink } from 'react-router';
import { useAuth } from '@/contexts/AuthContext';
import { Icon } from '@/components/ui/Icon';
import type { Role } from '@/lib/roles';

interface NavItem {
  to: string;
  label: string;
  icon: string;
  role: Role;
  end?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: 'speedometer2', role: 'viewer', end: true },
  { to: '/assets', label: 'Assets', icon: 'hdd-stack', role: 'viewer' },
  { to: '/accounts', label: 'AWS accounts', icon: 'cloud', role: 'viewer' },
  { to: '/discovery', label: 'Discovery', icon: 'radar', role: 'viewer' },
  { to: '/categories', label: 'Categories', icon: 'tags', role: 'viewer' },
  { to: '/settings', label: 'Settings', icon: 'gear', role: 'admin' },
];

export function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { can } = useAuth();
  return (
    <nav aria-label="Main" className="sidebar-nav">
      <ul className="nav nav-pills flex-column gap-1">
        {NAV_ITEMS.filter((item) => can(item.role)).map((item) => (
          <li className="nav-item" key={item.to}>
            <NavLink
              to={item.to}
              end={item.end}
              onClick={onNavigate}
              className={({ isActive }) => `nav-link d-flex align-items-center gap-2${isActive ? ' active' : ' link-body-emphasis'}`}
            >
              <Icon name={item.icon} /> {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
