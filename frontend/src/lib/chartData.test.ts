import { describe, expect, it } from 'vitest';
import { costTrend, CRITICALITY_COLORS, criticalitySlices, monthOf, monthOverMonth, percentLabel, sliceTotal, topWithOther, trendEnd } from './chartData';

describe('chart data mapping', () => {
  it('keeps the largest slices and folds the rest into Other', () => {
    const items = [
      { key: 's3', count: 5 },
      { key: 'ec2', count: 9 },
      { key: 'iam', count: 1 },
      { key: 'rds', count: 2 },
      { key: 'empty', count: 0 },
    ];
    expect(topWithOther(items, (i) => i.key, (i) => i.count, 3)).toEqual([
      { name: 'ec2', value: 9 },
      { name: 's3', value: 5 },
      { name: 'Other', value: 3 },
    ]);
  });

  it('orders criticality by severity and counts blanks as unset', () => {
    const slices = criticalitySlices([
      { key: 'low', count: 4 },
      { key: '', count: 2 },
      { key: 'critical', count: 1 },
      { key: null, count: 1 },
    ]);
    expect(slices.map((s) => [s.name, s.value])).toEqual([
      ['critical', 1],
      ['low', 4],
      ['unset', 3],
    ]);
    expect(slices[0]!.color).toBe('#dc3545');
  });

  it('fills the 12-month cost trend with zero months and sums duplicates', () => {
    const now = new Date(Date.UTC(2025, 2, 15)); // March 2025
    const points = costTrend(
      [
        { month: '2025-03-01', amount: '10.50' },
        { month: '2025-03', amount: 4.5 },
        { month: '2024-12-01', amount: '100' },
        { month: '2023-01-01', amount: '999' }, // outside the window
      ],
      now,
    );
    expect(points).toHaveLength(12);
    expect(points[0]).toMatchObject({ month: '2024-04', amount: 0 });
    expect(points.at(-1)).toMatchObject({ month: '2025-03', amount: 15, label: 'Mar 25' });
    expect(points.find((p) => p.month === '2024-12')?.amount).toBe(100);
  });

  it('computes month over month change', () => {
    expect(monthOverMonth('110', '100')).toBe(10);
    expect(monthOverMonth('50', 100)).toBe(-50);
    expect(monthOverMonth('50', '0')).toBeNull();
  });
});

describe('cost trend window', () => {
  const items = [
    { month: '2025-12', amount: '4399.31' },
    { month: '2026-06-01', amount: '4916.87' },
    { month: '2026-11', amount: '3922.00' },
  ];

  it('reads "YYYY-MM", "YYYY-MM-01" and timestamps without any time-zone shift', () => {
    expect(monthOf('2026-03')).toBe('2026-03');
    expect(monthOf('2026-03-01')).toBe('2026-03');
    expect(monthOf('2026-03-01T00:00:00-05:00')).toBe('2026-03');
    expect(monthOf('March')).toBeNull();
  });

  it('ends with the server month, so the latest month is the last point', () => {
    const points = costTrend(items, trendEnd(items, '2026-11-22T06:10:00Z'));
    expect(points.map((p) => p.month)).toEqual([
      '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05',
      '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11',
    ]);
    expect(points.at(-1)).toMatchObject({ label: 'Nov 26', amount: 3922 });
    expect(points.find((p) => p.month === '2026-06')?.amount).toBe(4916.87);
    // Missing months are zeros, consistently.
    expect(points.find((p) => p.month === '2026-07')?.amount).toBe(0);
  });

  it('never cuts off data newer than the clock it is given', () => {
    // The browser's clock says October, the data already has November.
    const end = trendEnd(items, null, new Date(Date.UTC(2026, 9, 31, 23, 0)));
    expect(end.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    // An unreadable generated_at falls back to the clock.
    expect(trendEnd([], 'garbage', new Date(Date.UTC(2026, 4, 2))).toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });

  it('is all zeros (not empty) with no cost data', () => {
    const points = costTrend([], new Date(Date.UTC(2026, 0, 5)));
    expect(points).toHaveLength(12);
    expect(points.every((p) => p.amount === 0)).toBe(true);
    expect(points[0]!.month).toBe('2025-02');
  });
});

describe('donut helpers', () => {
  it('totals slices and labels percentages, with slivers visible as <1%', () => {
    const slices = criticalitySlices([
      { key: '', count: 395 },
      { key: 'critical', count: 1 },
      { key: 'high', count: 4 },
    ]);
    expect(sliceTotal(slices)).toBe(400);
    expect(slices.map((s) => percentLabel(s.value, 400))).toEqual(['<1%', '1%', '99%']);
    expect(percentLabel(0, 0)).toBe('0%');
  });

  it('gives a single all-unset slice (a full ring) and nothing for no assets', () => {
    expect(criticalitySlices([{ key: '', count: 400 }])).toEqual([{ name: 'unset', value: 400, color: CRITICALITY_COLORS.unset }]);
    expect(criticalitySlices([])).toEqual([]);
    expect(criticalitySlices([{ key: 'low', count: 0 }])).toEqual([]);
  });
});
