import { expect, login, snapshot, test } from './fixtures';

const PAGES: { path: string; name: string; heading: RegExp }[] = [
  { path: '/', name: 'dashboard', heading: /^Dashboard$/ },
  { path: '/assets', name: 'assets', heading: /^Assets$/ },
  { path: '/accounts', name: 'accounts', heading: /^AWS accounts$/ },
  { path: '/discovery', name: 'discovery', heading: /^Discovery$/ },
  { path: '/categories', name: 'categories', heading: /^Categories$/ },
  { path: '/profile', name: 'profile', heading: /^My profile$/ },
  { path: '/settings/users', name: 'settings-users', heading: /^Users$/ },
  { path: '/settings/sso', name: 'settings-sso', heading: /^Single sign-on/ },
  { path: '/settings/audit', name: 'settings-audit', heading: /^Audit log$/ },
  { path: '/assets/new', name: 'asset-new', heading: /^New asset$/ },
  { path: '/does-not-exist', name: 'not-found', heading: /^Page not found$/ },
];

test('screenshot of each main page (admin)', async ({ page }) => {
  await login(page, 'admin');
  for (const { path, name, heading } of PAGES) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await snapshot(page, name);
  }
  await page.goto('/assets?q=e2e-db-main');
  await page.getByRole('link', { name: 'e2e-db-main' }).click();
  await page.getByRole('link', { name: 'Graph' }).click();
  await expect(page.getByRole('heading', { name: /Relationships of/ })).toBeVisible();
  await snapshot(page, 'asset-graph');
});
