import { describe, expect, it } from 'vitest';
import { costTrend, criticalitySlices, monthOverMonth, topWithOther } from './chartData';

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
