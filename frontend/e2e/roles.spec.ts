import { expect, login, snapshot, test } from './fixtures';

test('a viewer sees no edit controls and gets a clear message on admin pages', async ({ page }) => {
  await login(page, 'viewer');
  await page.goto('/assets?q=e2e-web-1');
  await page.getByRole('link', { name: 'e2e-web-1' }).click();
  await expect(page.getByRole('heading', { name: 'e2e-web-1', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /decommission/i })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /mark reviewed/i })).toHaveCount(0);

  await page.goto('/assets');
  await expect(page.getByRole('link', { name: /new asset/i })).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: /select all rows/i })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);

  await page.goto('/settings/users');
  await expect(page.getByRole('heading', { name: /you don't have access/i })).toBeVisible();
  await snapshot(page, 'forbidden');

  await page.goto('/assets/new');
  await expect(page.getByRole('heading', { name: /you don't have access/i })).toBeVisible();

  // The server enforces it too.
  const response = await page.request.get('/api/users/');
  expect(response.status()).toBe(403);
});

test('an editor can edit but sees no admin pages', async ({ page }) => {
  await login(page, 'editor');
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await page.goto('/settings/sso');
  await expect(page.getByRole('heading', { name: /you don't have access/i })).toBeVisible();
  await page.goto('/assets');
  await expect(page.getByRole('link', { name: /new asset/i })).toBeVisible();
});
