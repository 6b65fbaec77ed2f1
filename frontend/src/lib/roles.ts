export type Role = 'viewer' | 'editor' | 'admin';

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

/** True when `role` grants at least what `needed` does (admin ⊇ editor ⊇ viewer). */
export function hasRole(role: string | null | undefined, needed: Role): boolean {
  if (!role || !(role in RANK)) return false;
  return RANK[role as Role] >= RANK[needed];
}

export const ROLE_LABELS: Record<Role, string> = { viewer: 'Viewer', editor: 'Editor', admin: 'Admin' };
export const ROLES: Role[] = ['viewer', 'editor', 'admin'];
