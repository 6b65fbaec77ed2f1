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
  // The graph of a discovered instance (it references its VPC, subnet, security groups...).
  const list = await (await page.request.get('/api/assets/?resource_type=ec2:instance&page_size=1')).json();
  const id: number = list.results[0]?.id ?? 1;
  await page.goto(`/assets/${id}/graph`);
  await expect(page.getByRole('heading', { name: /Relationships of/ })).toBeVisible();
  await page.getByRole('combobox', { name: 'Depth' }).selectOption('2');
  await page.waitForLoadState('networkidle');
  await snapshot(page, 'asset-graph');
});
