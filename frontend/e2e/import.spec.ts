import { expect, login, test } from './fixtures';

test('CSV import reports row errors and imports nothing, then imports a clean file', async ({ page }) => {
  await login(page, 'editor');
  await page.goto('/assets/import');
  const stamp = Date.now();

  await page.getByLabel('CSV file').setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`name,asset_type,criticality\ne2e-import-ok-${stamp},saas,high\n,saas,enormous\n`),
  });
  await page.getByRole('button', { name: /import/i }).click();
  const report = page.getByRole('alert').filter({ hasText: 'Nothing was imported' });
  await expect(report).toBeVisible();
  await expect(report.getByRole('table', { name: 'Rows with errors' }).getByRole('row')).not.toHaveCount(1);

  await page.getByLabel('CSV file').setInputFiles({
    name: 'good.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`name,asset_type,criticality,tags\ne2e-import-${stamp},saas,high,team=qa\n`),
  });
  await page.getByRole('button', { name: /import/i }).click();
  await expect(page.getByText('Imported 1 asset.')).toBeVisible();

  await page.goto(`/assets?q=e2e-import-${stamp}`);
  await expect(page.getByRole('link', { name: `e2e-import-${stamp}` })).toBeVisible();
  await expect(page.getByRole('link', { name: `e2e-import-ok-${stamp}` })).toHaveCount(0);
});
