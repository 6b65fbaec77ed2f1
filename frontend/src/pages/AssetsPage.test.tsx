import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { AssetRow } from '@/api/assets';
import { server } from '@/test/server';
import { makeUser, renderApp } from '@/test/utils';
import AssetsPage from './AssetsPage';

function row(id: number, overrides: Partial<AssetRow> = {}): AssetRow {
  return {
    id,
    asset_id: `AST-${String(id).padStart(6, '0')}`,
    name: `asset-${id}`,
    asset_type: 'aws',
    service: 'ec2',
    resource_type: 'instance',
    resource_id: `i-${id}`,
    status: 'ACTIVE',
    account: 1,
    account_name: 'prod',
    region: 'eu-west-1',
    environment: 'production',
    owner: null,
    owner_name: '',
    owner_display: '',
    department: '',
    category: null,
    category_name: null,
    criticality: 'high',
    data_classification: 'internal',
    aws_account_id: '123456789012',
    owner_username: null,
    tags: {},
    first_seen: null,
    last_seen: null,
    last_reviewed_at: null,
    updated_at: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

function mockList() {
  const seen: string[] = [];
  server.use(
    http.get('/api/assets/', ({ request }) => {
      const query = new URL(request.url).search.replace(/^\?/, '');
      seen.push(query);
      return HttpResponse.json({ count: 120, next: null, previous: null, results: [row(1), row(2, { service: 's3', name: 'bucket' })] });
    }),
    http.get('/api/assets/filter-options/', () =>
      HttpResponse.json({ service: ['ec2', 's3', 'rds'], region: [{ value: 'eu-west-1', label: 'eu-west-1', count: 2 }], account: [{ value: '1', label: 'prod' }] }),
    ),
    http.get('/api/saved-views/', () => HttpResponse.json({ count: 0, results: [] })),
  );
  return seen;
}

const location = () => screen.getByTestId('location').textContent ?? '';

describe('AssetsPage URL state', () => {
  it('sends the URL query to the API and builds export links from exactly that query', async () => {
    const seen = mockList();
    renderApp(<AssetsPage />, { route: '/assets?service=ec2&ordering=-name' });
    expect(await screen.findByRole('link', { name: 'asset-1' })).toBeInTheDocument();
    expect(seen).toContain('service=ec2&ordering=-name');
    expect(screen.getByRole('link', { name: /export csv/i })).toHaveAttribute('href', '/assets/export/csv/?service=ec2&ordering=-name');
    expect(screen.getByRole('link', { name: /export excel/i })).toHaveAttribute('href', '/assets/export/excel/?service=ec2&ordering=-name');
  });

  it('includes and excludes filter values through the URL', async () => {
    const seen = mockList();
    const user = userEvent.setup();
    renderApp(<AssetsPage />, { route: '/assets?page=3' });
    await screen.findByRole('link', { name: 'asset-1' });

    await user.click(within(screen.getByRole('complementary', { name: 'Filters' })).getByText('Service'));
    await user.click(await screen.findByRole('button', { name: 'Include Service: s3' }));
    await waitFor(() => expect(location()).toBe('/assets?service=s3'));
    expect(screen.getByRole('button', { name: 'Include Service: s3' })).toHaveAttribute('aria-pressed', 'true');

    await user.click(screen.getByRole('button', { name: 'Exclude Service: ec2' }));
    await waitFor(() => expect(location()).toBe('/assets?service=s3&service_exclude=ec2'));
    await waitFor(() => expect(seen).toContain('service=s3&service_exclude=ec2'));
    expect(screen.getByRole('link', { name: /export csv/i })).toHaveAttribute('href', '/assets/export/csv/?service=s3&service_exclude=ec2');
  });

  it('debounces the text search into q and sorts by column', async () => {
    mockList();
    const user = userEvent.setup();
    renderApp(<AssetsPage />, { route: '/assets' });
    await screen.findByRole('link', { name: 'asset-1' });
    await user.type(screen.getByRole('searchbox', { name: 'Search assets' }), 'db');
    await waitFor(() => expect(location()).toBe('/assets?q=db'));

    await user.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(location()).toBe('/assets?q=db&ordering=name'));
    await user.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(location()).toBe('/assets?q=db&ordering=-name'));
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('adds tag filters and toggles removed assets', async () => {
    mockList();
    const user = userEvent.setup();
    renderApp(<AssetsPage />, { route: '/assets' });
    await screen.findByRole('link', { name: 'asset-1' });
    await user.click(screen.getByText('Tags'));
    await user.type(screen.getByLabelText('Tag key or key:value'), 'env:prod');
    await user.click(screen.getByRole('button', { name: 'Add tag filter' }));
    await waitFor(() => expect(location()).toBe('/assets?tag=env%3Aprod'));
    await user.click(screen.getByRole('switch', { name: /show removed/i }));
    await waitFor(() => expect(location()).toBe('/assets?tag=env%3Aprod&include_removed=true'));
  });

  it('remembers the chosen columns', async () => {
    mockList();
    const user = userEvent.setup();
    renderApp(<AssetsPage />, { route: '/assets' });
    await screen.findByRole('link', { name: 'asset-1' });
    expect(screen.queryByRole('columnheader', { name: /Department/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Choose columns' }));
    await user.click(screen.getByRole('menuitemcheckbox', { name: /Department/ }));
    expect(screen.getByRole('columnheader', { name: /Department/ })).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem('cloudtally.assets.columns') ?? '[]')).toContain('department');
  });

  it('remembers hidden filters and keeps long values on one line with the full text as a tooltip', async () => {
    mockList();
    const user = userEvent.setup();
    const { unmount } = renderApp(<AssetsPage />, { route: '/assets' });
    const link = await screen.findByRole('link', { name: 'asset-1' });
    expect(link).toHaveAttribute('title', 'asset-1');
    expect(link).toHaveClass('cell-clip');
    expect(screen.getByRole('table')).toHaveClass('table-grid');
    await user.click(screen.getByRole('button', { name: /Hide filters/ }));
    expect(screen.queryByRole('complementary', { name: 'Filters' })).not.toBeInTheDocument();
    unmount();
    renderApp(<AssetsPage />, { route: '/assets' });
    await screen.findByRole('link', { name: 'asset-1' });
    expect(screen.getByRole('button', { name: /Show filters/ })).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByRole('complementary', { name: 'Filters' })).not.toBeInTheDocument();
  });

  it('offers bulk selection to editors only', async () => {
    mockList();
    renderApp(<AssetsPage />, { route: '/assets', user: makeUser('viewer') });
    await screen.findByRole('link', { name: 'asset-1' });
    expect(screen.queryByRole('checkbox', { name: /select/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /new asset/i })).not.toBeInTheDocument();
  });

  it('bulk-edits the selected rows, or all matching rows by query', async () => {
    mockList();
    const bodies: unknown[] = [];
    server.use(
      http.get('/api/categories/', () => HttpResponse.json({ count: 0, results: [] })),
      http.post('/api/assets/bulk/', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ matched: 2, changed: 2 });
      }),
    );
    const user = userEvent.setup();
    renderApp(<AssetsPage />, { route: '/assets?service=ec2&page=2', user: makeUser('editor') });
    await screen.findByRole('link', { name: 'asset-1' });
    await user.click(screen.getByRole('checkbox', { name: 'Select all rows on this page' }));
    const bar = screen.getByRole('region', { name: 'Bulk actions' });
    await user.click(within(bar).getByRole('button', { name: /select all 120 matching/i }));
    await user.click(within(bar).getByRole('button', { name: 'Bulk edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit 120 assets' });
    await user.selectOptions(within(dialog).getByLabelText('Criticality'), 'critical');
    await user.click(within(dialog).getByRole('button', { name: /apply to 120 assets/i }));
    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toEqual({ query: 'service=ec2', action: 'update', fields: { criticality: 'critical' } });
  });

  it('asks for filter values and saved views only once the first rows are on screen', async () => {
    const requests: string[] = [];
    let answerList: () => void = () => {};
    const listAnswered = new Promise<void>((resolve) => (answerList = resolve));
    server.use(
      http.get('/api/assets/', async () => {
        requests.push('list');
        await listAnswered;
        return HttpResponse.json({ count: 1, next: null, previous: null, results: [row(1)] });
      }),
      http.get('/api/assets/filter-options/', () => {
        requests.push('filter-options');
        return HttpResponse.json({ service: ['ec2'] });
      }),
      http.get('/api/saved-views/', () => {
        requests.push('saved-views');
        return HttpResponse.json({ count: 0, results: [] });
      }),
    );
    renderApp(<AssetsPage />, { route: '/assets' });
    expect(await screen.findByText('Loading assets…')).toBeInTheDocument();
    // Frames get painted meanwhile (a few animation frames' time); the extras still wait for the rows.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(requests).toEqual(['list']);

    answerList();
    expect(await screen.findByRole('link', { name: 'asset-1' })).toBeInTheDocument();
    await waitFor(() => expect([...requests].sort()).toEqual(['filter-options', 'list', 'saved-views']));
    expect(requests[0]).toBe('list');
  });
});
