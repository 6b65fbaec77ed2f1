import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { costTrend, criticalitySlices } from '@/lib/chartData';
import { BarCard, DonutCard, TrendCard } from './Charts';

const inRouter = (ui: React.ReactNode) => render(<MemoryRouter>{ui}</MemoryRouter>);

describe('dashboard charts', () => {
  it('shows an all-unset estate as a full ring with a legend that links to the gap', () => {
    inRouter(<DonutCard title="Assets by criticality" data={criticalitySlices([{ key: '', count: 400 }])} />);
    const card = screen.getByRole('region', { name: 'Assets by criticality' });
    expect(within(card).getByText('assets').previousSibling).toHaveTextContent('400');
    const legend = within(card).getByRole('list');
    expect(within(legend).getAllByRole('listitem')).toHaveLength(1);
    expect(within(legend).getByRole('link', { name: 'Unset' })).toHaveAttribute('href', '/assets?missing=criticality');
    expect(within(legend).getByText('100%')).toBeInTheDocument();
  });

  it('lists every criticality with its count and share, slivers included', () => {
    const data = criticalitySlices([
      { key: '', count: 396 },
      { key: 'critical', count: 1 },
      { key: 'high', count: 3 },
    ]);
    inRouter(<DonutCard title="Assets by criticality" data={data} />);
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['Critical1<1%', 'High3<1%', 'Unset39699%']);
    expect(screen.getByRole('link', { name: 'Critical' })).toHaveAttribute('href', '/assets?criticality=critical');
  });

  it('shows empty states instead of blank charts', () => {
    inRouter(
      <>
        <DonutCard title="Assets by criticality" data={[]} />
        <TrendCard title="Cost trend" data={costTrend([], new Date(Date.UTC(2026, 10, 1)))} currency="USD" />
        <BarCard title="Assets by service" data={[]} />
      </>,
    );
    expect(within(screen.getByRole('region', { name: 'Assets by criticality' })).getByText('No assets yet')).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Cost trend' })).getByText('No cost data yet')).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Assets by service' })).getByText('No data yet')).toBeInTheDocument();
  });

  it('notes that the last month of the trend is month to date and describes every month', () => {
    const data = costTrend([{ month: '2026-11-01', amount: '3922.00' }, { month: '2026-10', amount: '5261.92' }], new Date(Date.UTC(2026, 10, 22)));
    inRouter(<TrendCard title="Cost trend" data={data} currency="USD" />);
    expect(screen.getByText('Nov 26 is month to date')).toBeInTheDocument();
    expect(screen.getByText(/Oct 26: \$5,261\.92, Nov 26: \$3,922\.00$/)).toBeInTheDocument();
  });
});
