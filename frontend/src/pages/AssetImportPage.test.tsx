import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/server';
import { makeUser, renderApp } from '@/test/utils';
import AssetImportPage from './AssetImportPage';

describe('CSV import', () => {
  it('uploads the file and lists every row error by line and column', async () => {
    let received: string | null = null;
    server.use(
      http.post('/api/assets/import/', async ({ request }) => {
        const file = (await request.formData()).get('file');
        // jsdom's File loses its name and bytes in undici's multipart encoding; the part itself arrives.
        received = file && typeof file !== 'string' ? file.name : null;
        return HttpResponse.json({
          created: 0,
          errors: [
            { row: 3, errors: { name: ['This field may not be blank.'] } },
            { row: 5, errors: { criticality: ['"huge" is not a valid choice.'], url: ['Enter a valid URL.'] } },
          ],
        });
      }),
    );
    const user = userEvent.setup();
    renderApp(<AssetImportPage />, { user: makeUser('editor') });
    const csv = new File(['name,criticality\nJira,high\n'], 'assets.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('CSV file'), csv);
    await user.click(screen.getByRole('button', { name: /import/i }));

    const report = await screen.findByRole('alert');
    expect(report).toHaveTextContent('Nothing was imported: 2 rows have errors');
    const table = within(report).getByRole('table', { name: 'Rows with errors' });
    const rows = within(table).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows).toEqual(['3nameThis field may not be blank.', '5criticality"huge" is not a valid choice.', '5urlEnter a valid URL.']);
    expect(received).not.toBeNull(); // a multipart "file" part was sent
  });

  it('confirms a clean import', async () => {
    server.use(http.post('/api/assets/import/', () => HttpResponse.json({ created: 12, errors: [] })));
    const user = userEvent.setup();
    renderApp(<AssetImportPage />, { user: makeUser('editor') });
    await user.upload(screen.getByLabelText('CSV file'), new File(['name\nA\n'], 'a.csv', { type: 'text/csv' }));
    await user.click(screen.getByRole('button', { name: /import/i }));
    expect(await screen.findByText(/Imported 12 assets\./)).toBeInTheDocument();
  });
});
