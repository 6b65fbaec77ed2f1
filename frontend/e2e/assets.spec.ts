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

test('the Name column stays pinned while the asset grid scrolls sideways, in both themes', async ({ page }) => {
  await page.setViewportSize({ width: 1100, height: 800 });
  await login(page, 'editor');
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((value) => localStorage.setItem('cloudtally.theme', value), theme);
    await page.goto('/assets?q=e2e');
    await expect(page.locator('html')).toHaveAttribute('data-bs-theme', theme);
    const grid = page.locator('.table-grid-scroll');
    const link = page.getByRole('link', { name: 'e2e-bucket-logs' });
    await expect(link).toBeVisible();
    await grid.evaluate((box) => (box.scrollLeft = box.scrollWidth));
    expect(await grid.evaluate((box) => box.scrollLeft)).toBeGreaterThan(100);

    const state = await page.evaluate(() => {
      const box = document.querySelector('.table-grid-scroll')!.getBoundingClientRect();
      const header = [...document.querySelectorAll('thead th')].find((th) => th.textContent?.startsWith('Name'))!;
      const cell = document.querySelector('tbody td.col-sticky-last')!;
      const cellBox = cell.getBoundingClientRect();
      const hit = document.elementFromPoint(cellBox.left + 12, cellBox.top + cellBox.height / 2);
      return {
        headerOffset: header.getBoundingClientRect().left - box.left,
        checkboxWidth: document.querySelector('thead th.col-select')!.getBoundingClientRect().width,
        onTop: cell.contains(hit),
        background: getComputedStyle(cell).backgroundColor,
        bodyBackground: getComputedStyle(document.body).backgroundColor,
      };
    });
    // Pinned right after the (also pinned) checkbox column, on top of what scrolled beneath it,
    // painted with the page's own opaque background.
    expect(Math.abs(state.headerOffset - state.checkboxWidth)).toBeLessThan(2);
    expect(state.onTop).toBe(true);
    expect(state.background).toBe(state.bodyBackground);
    await expect(link).toBeInViewport();

    // Keyboard focus on a pinned link keeps the scroll position; its focus ring is drawn.
    const before = await grid.evaluate((box) => box.scrollLeft);
    await page.getByRole('checkbox', { name: 'Select e2e-bucket-logs' }).focus();
    await page.keyboard.press('Tab');
    await expect(link).toBeFocused();
    expect(await grid.evaluate((box) => box.scrollLeft)).toBe(before);
    expect(await link.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await snapshot(page, `assets-pinned-name-${theme}`);
  }
});
