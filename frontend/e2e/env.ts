/** Shared by the Playwright config, the tests and (by convention) start-backend.sh / seed_e2e.py. */
export const PORT = Number(process.env.E2E_PORT ?? 8765);
export const BASE_URL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${PORT}`;

export const USERS = {
  admin: { username: 'admin', password: process.env.E2E_ADMIN_PASSWORD ?? 'Admin-e2e-Passw0rd!' },
  editor: { username: 'editor', password: process.env.E2E_EDITOR_PASSWORD ?? 'Editor-e2e-Passw0rd!' },
  viewer: { username: 'viewer', password: process.env.E2E_VIEWER_PASSWORD ?? 'Viewer-e2e-Passw0rd!' },
} as const;
export type Who = keyof typeof USERS;
