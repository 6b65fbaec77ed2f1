import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { authQueries, type Me } from '@/api/auth';
import { hasRole, type Role } from '@/lib/roles';

interface AuthValue {
  user: Me | null;
  isLoading: boolean;
  error: unknown;
  /** True when the signed-in user has at least this role. */
  can: (role: Role) => boolean;
  isEditor: boolean;
  isAdmin: boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const me = useQuery(authQueries.me());
  const user = me.data ?? null;
  const value = useMemo<AuthValue>(() => {
    const role = user?.role;
    return {
      user,
      isLoading: me.isPending,
      error: me.error,
      can: (needed: Role) => hasRole(role, needed),
      isEditor: hasRole(role, 'editor'),
      isAdmin: hasRole(role, 'admin'),
    };
  }, [user, me.isPending, me.error]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside AuthProvider');
  return value;
}
