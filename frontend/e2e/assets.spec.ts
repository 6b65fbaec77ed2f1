import { readFileSync } from 'node:fs';
import { expect, login, snapshot, test } from './fixtures';

/** The few CSV rows the tests look at; quoted fields with commas are handled, embedded newlines are not needed. */
function parseCsv(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted && ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = !quoted;
        else if (ch === ',' && !quoted) {
          cells.push(cell);
          cell = '';
        } else cell += ch;
      }
      cells.push(cell);
      return cells;
    });
}

test('filter assets: the URL holds the state, back restores it', async ({ page }) => {
  await login(page, 'viewer');
  await page.goto('/assets?q=e2e');
  await expect(page.getByRole('link', { name: 'e2e-bucket-logs' })).toBeVisible();

  const filters = page.getByRole('complementary', { name: 'Filters' });
  await filters.getByText('Service', { exact: true }).click();
  await filters.getByRole('button', { name: 'Include Service: ec2' }).click();
  await expect(page).toHaveURL(/service=ec2/);
  await expect(page.getByRole('link', { name: 'e2e-web-1' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'e2e-bucket-logs' })).toHaveCount(0);

  await filters.getByRole('button', { name: 'Exclude Service: ec2' }).click();
  await expect(page).toHaveURL(/service_exclude=ec2/);
  await expect(page.getByRole('link', { name: 'e2e-bucket-logs' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'e2e-web-1' })).toHaveCount(0);
  await snapshot(page, 'assets-filtered');

  await page.goBack();
  await expect(page).toHaveURL(/service=ec2/);
  await expect(page.getByRole('link', { name: 'e2e-web-1' })).toBeVisible();

  await page.getByRole('searchbox', { name: 'Search assets' }).fill('e2e-web-2');
  await expect(page).toHaveURL(/q=e2e-web-2/);
  await expect(page.getByRole('link', { name: 'e2e-web-1' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'e2e-web-2' })).toBeVisible();
});

test('export CSV holds exactly the filtered rows', async ({ page }) => {
  await login(page, 'viewer');
  const probe = await page.request.get('/assets/export/csv/?q=e2e');
  test.skip(probe.status() === 404, 'The backend has no CSV export yet (/assets/export/csv/ answers 404).');

  await page.goto('/assets?q=e2e&service=ec2');
  await expect(page.getByRole('link', { name: 'e2e-web-1' })).toBeVisible();
  const link = page.getByRole('link', { name: /export csv/i });
  await expect(link).toHaveAttribute('href', '/assets/export/csv/?q=e2e&service=ec2');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
  const header = rows[0]!.map((h) => h.toLowerCase());
  const nameIndex = header.findIndex((h) => h === 'name');
  expect(nameIndex).toBeGreaterThanOrEqual(0);
  const names = rows.slice(1).map((row) => row[nameIndex]!);
  expect(names).toEqual(expect.arrayContaining(['e2e-web-1', 'e2e-web-2']));
  expect(names).not.toContain('e2e-bucket-logs');
  // Exactly the rows the list shows for the same query string.
  const listed = await page.getByRole('table', { name: 'Assets' }).locator('tbody a[href^="/assets/"]').allTextContents();
  expect([...names].sort()).toEqual([...listed].sort());
});

test('edit an asset and see the change in its history', async ({ page }) => {
  await login(page, 'editor');
  await page.goto('/assets?q=e2e-web-2');
  await page.getByRole('link', { name: 'e2e-web-2' }).click();
  await expect(page.getByRole('heading', { name: 'e2e-web-2', level: 1 })).toBeVisible();
  await snapshot(page, 'asset-detail');

  const owner = `team-${Date.now()}`;
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByText(/only the fields people own/i)).toBeVisible();
  await page.getByLabel('Owner', { exact: true }).fill(owner);
  await page.getByLabel('Department').fill('Quality');
  await page.getByLabel('Confidentiality').selectOption('high');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page.getByRole('heading', { name: 'e2e-web-2', level: 1 })).toBeVisible();
  const ownership = page.getByRole('region', { name: 'Ownership & compliance' });
  await expect(ownership.getByText(owner)).toBeVisible();
  const history = page.getByRole('list', { name: 'Change history' });
  await expect(history.getByText(/updated by/i).first()).toBeVisible();
  await expect(history.getByText(owner).first()).toBeVisible();
  await expect(history.getByText('editor').first()).toBeVisible();

  await ownership.getByRole('button', { name: /mark reviewed/i }).click();
  await expect(ownership.getByText(/by editor/)).toBeVisible();
});
