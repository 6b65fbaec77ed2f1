import { expect, login, logout, snapshot, test } from './fixtures';

test('log in, see the dashboard, log out', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await snapshot(page, 'login');
  await login(page, 'admin');
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await logout(page);
  await page.goto('/assets');
  await expect(page).toHaveURL(/\/login\?next=%2Fassets/);
});

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('viewer');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('login follows next to the page asked for', async ({ page }) => {
  await page.goto('/categories');
  await expect(page).toHaveURL(/next=%2Fcategories/);
  await page.getByLabel('Username').fill('viewer');
  await page.getByLabel('Password').fill((await import('./env')).USERS.viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Categories', level: 1 })).toBeVisible();
});
