import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { progressPercent } from '@/components/ui/ProgressBar';
import { server } from '@/test/server';
import { makeUser, renderApp } from '@/test/utils';
import DiscoveryJobPage from './DiscoveryJobPage';

function job(status: string, done: number, total: number) {
  return {
    id: 9, status, trigger: 'ui', started_by: 'ed', account: null, account_name: null, created_at: '2025-01-01T00:00:00Z',
    started_at: '2025-01-01T00:00:01Z', finished_at: null, duration_seconds: 3, units_total: total, units_done: done,
    progress_percent: total ? Math.round((done / total) * 100) : 0, found: 4, created: 4, updated: 0, removed: 0, restored: 0,
    error_count: 1, throttle_count: 2, accounts_total: 1, accounts_done: 0, dry_run: false, cancel_requested: false,
    errors: [{ account_id: '111111111111', region: 'eu-west-1', resource_type: 'rds:db', error: 'AccessDenied' }],
    scopes: [], accounts: [], log: ['started', 'ec2 done'],
  };
}

describe('progress', () => {
  it('computes clamped percentages', () => {
    expect(progressPercent(3, 10)).toBe(30);
    expect(progressPercent(12, 10, true)).toBe(100);
    expect(progressPercent(10, 10)).toBe(99); // still running: the total may grow
    expect(progressPercent(0, 0)).toBe(0);
    expect(progressPercent(0, 0, true)).toBe(100);
  });

  it('polls a running job until it finishes and the bar reaches 100 %', async () => {
    let calls = 0;
    server.use(
      http.get('/api/discovery/jobs/9/', () => {
        calls += 1;
        return HttpResponse.json(calls === 1 ? job('RUNNING', 3, 10) : job('COMPLETED', 10, 10));
      }),
    );
    renderApp(<DiscoveryJobPage />, { route: '/discovery/9', path: '/discovery/:id', user: makeUser('editor') });
    const bar = await screen.findByRole('progressbar', { name: 'Discovery progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '30');
    expect(screen.getByRole('button', { name: /cancel job/i })).toBeInTheDocument();
    expect(screen.getByText('AccessDenied')).toBeInTheDocument();

    await screen.findByRole('status', { name: 'Job status: Completed' }, { timeout: 5000 });
    expect(screen.getByRole('progressbar', { name: 'Discovery progress' })).toHaveAttribute('aria-valuenow', '100');
    expect(screen.queryByRole('button', { name: /cancel job/i })).not.toBeInTheDocument();
  });

  it('hides cancel from viewers', async () => {
    server.use(http.get('/api/discovery/jobs/9/', () => HttpResponse.json(job('RUNNING', 1, 4))));
    renderApp(<DiscoveryJobPage />, { route: '/discovery/9', path: '/discovery/:id', user: makeUser('viewer') });
    await screen.findByRole('progressbar', { name: 'Discovery progress' });
    expect(screen.queryByRole('button', { name: /cancel job/i })).not.toBeInTheDocument();
  });
});
