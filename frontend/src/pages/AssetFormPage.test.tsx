import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/server';
import { makeUser, renderApp } from '@/test/utils';
import AssetFormPage from './AssetFormPage';

function common() {
  server.use(
    http.get('/api/categories/', () => HttpResponse.json({ count: 1, results: [{ id: 3, name: 'SaaS tools', description: '', color: '#000000', asset_count: 0 }] })),
    http.get('/api/assets/filter-options/', () => HttpResponse.json({ owner: [] })),
  );
}

describe('asset form', () => {
  it('shows the API validation messages at their fields and the rest above the form', async () => {
    common();
    let body: Record<string, unknown> = {};
    server.use(
      http.post('/api/assets/', async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(
          { detail: 'url: Enter a valid URL.', errors: { url: ['Enter a valid URL.'], name: ['An asset with this name exists.'], non_field_errors: ['Check the form.'] } },
          { status: 400 },
        );
      }),
    );
    const user = userEvent.setup();
    renderApp(<AssetFormPage />, { route: '/assets/new', path: '/assets/new', user: makeUser('editor') });
    await user.type(await screen.findByLabelText('Name'), 'Jira');
    await user.type(screen.getByLabelText('URL'), 'not a url');
    await user.selectOptions(screen.getByLabelText('Criticality'), 'high');
    await user.selectOptions(screen.getByLabelText('Category'), '3');
    await user.click(screen.getByRole('button', { name: 'Create asset' }));

    const url = await screen.findByLabelText('URL');
    await waitFor(() => expect(url).toHaveAttribute('aria-invalid', 'true'));
    expect(url).toHaveAccessibleDescription('Enter a valid URL.');
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('An asset with this name exists.');
    expect(screen.getByRole('alert')).toHaveTextContent('Check the form.');
    expect(body).toMatchObject({ name: 'Jira', url: 'not a url', criticality: 'high', category: 3, asset_type: 'saas' });
  });

  it('edits only the people-owned fields of an AWS asset', async () => {
    common();
    let patch: Record<string, unknown> = {};
    server.use(
      http.get('/api/assets/7/', () =>
        HttpResponse.json({
          id: 7, asset_id: 'AST-000007', name: 'web-1', asset_type: 'aws', status: 'ACTIVE', is_aws: true, owner: null, owner_name: 'ops',
          department: '', criticality: '', data_classification: '', tags: { env: 'prod' }, category: null,
        }),
      ),
      http.patch('/api/assets/7/', async ({ request }) => {
        patch = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({ id: 7 });
      }),
    );
    const user = userEvent.setup();
    renderApp(<AssetFormPage />, { route: '/assets/7/edit', path: '/assets/:id/edit', user: makeUser('editor'), routes: [{ path: '/assets/:id', element: <p>detail</p> }] });
    expect(await screen.findByText(/only the fields people own/i)).toBeInTheDocument();
    expect(screen.queryByLabelText('Name')).not.toBeInTheDocument();
    const owner = screen.getByLabelText('Owner');
    await user.clear(owner);
    await user.type(owner, 'platform team');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(patch.owner_name).toBe('platform team'));
    expect(patch).not.toHaveProperty('name');
    expect(patch).not.toHaveProperty('tags');
  });

  it('groups the fields under named sections, each a fieldset with a heading', async () => {
    common();
    renderApp(<AssetFormPage />, { route: '/assets/new', path: '/assets/new', user: makeUser('editor') });
    await screen.findByLabelText('Name');
    const sections = {
      Identity: ['Name', 'Type', 'Category', 'URL'],
      Ownership: ['Owner', 'Department'],
      'Classification & protection needs': ['Criticality', 'Data classification', 'Confidentiality', 'Processes personal data'],
      Operations: ['Backup enabled', 'Monitoring enabled', 'IP addresses'],
      Notes: ['Description', 'Notes'],
    };
    for (const [title, fields] of Object.entries(sections)) {
      const group = screen.getByRole('group', { name: title });
      expect(within(group).getByRole('heading', { level: 2, name: title })).toBeInTheDocument();
      for (const field of fields) expect(within(group).getByLabelText(field)).toBeInTheDocument();
    }
    expect(within(screen.getByRole('group', { name: 'Classification & protection needs' })).getByRole('group', { name: 'Protection needs (CIA)' })).toBeInTheDocument();
    expect(screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent)).toEqual(Object.keys(sections));
  });
});
