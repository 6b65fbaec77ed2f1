import { toNumber } from './format';

export interface Slice {
  name: string;
  value: number;
}

/** Largest first, everything past `limit` folded into one "Other" slice. */
export function topWithOther<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number, limit = 10): Slice[] {
  const sorted = items
    .map((item) => ({ name: key(item) || 'Unknown', value: value(item) }))
    .filter((slice) => slice.value > 0)
    .sort((a, b) => b.value - a.value);
  if (sorted.length <= limit) return sorted;
  const head = sorted.slice(0, limit - 1);
  const rest = sorted.slice(limit - 1).reduce((sum, slice) => sum + slice.value, 0);
  return [...head, { name: 'Other', value: Math.round(rest * 100) / 100 }];
}

export const CRITICALITY_ORDER = ['critical', 'high', 'medium', 'low'];
export const CRITICALITY_COLORS: Record<string, string> = {
  critical: '#dc3545',
  high: '#fd7e14',
  medium: '#0dcaf0',
  low: '#6c757d',
  unset: '#adb5bd',
};

/** Criticality slices in severity order; empty values count as "unset". */
export function criticalitySlices(items: readonly { key: string | null; count: number }[]): (Slice & { color: string })[] {
  const totals = new Map<string, number>();
  for (const item of items) {
    const key = (item.key || 'unset').toLowerCase();
    totals.set(key, (totals.get(key) ?? 0) + item.count);
  }
  const order = [...CRITICALITY_ORDER, ...[...totals.keys()].filter((key) => !CRITICALITY_ORDER.includes(key))];
  return order
    .filter((key) => (totals.get(key) ?? 0) > 0)
    .map((key) => ({ name: key, value: totals.get(key)!, color: CRITICALITY_COLORS[key] ?? CRITICALITY_COLORS.unset! }));
}

/** Sum of the slices' values (the number shown in a donut's centre). */
export const sliceTotal = (slices: readonly Slice[]): number => slices.reduce((sum, slice) => sum + slice.value, 0);

/** Share of `value` in `total` as a whole percent for legends; "<1%" for a non-zero sliver. */
export function percentLabel(value: number, total: number): string {
  if (total <= 0 || value <= 0) return '0%';
  const percent = (value / total) * 100;
  if (percent < 1) return '<1%';
  return `${Math.round(percent)}%`;
}

export interface MonthPoint {
  month: string;
  label: string;
  amount: number;
}

function monthKey(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** "YYYY-MM" of a month string from the API ("2026-03", "2026-03-01", "2026-03-01T00:00:00Z"); null if unreadable. */
export function monthOf(value: string): string | null {
  const match = /^(\d{4})-(\d{2})/.exec(value);
  return match ? `${match[1]}-${match[2]}` : null;
}

/**
 * The month the trend ends with: the later of the server's "now" (`generated_at`, so a browser clock
 * or time zone a day off cannot shift the window) and the latest month in the data (so a record is
 * never cut off at the right edge).
 */
export function trendEnd(items: readonly { month: string }[], generatedAt?: string | null, fallback: Date = new Date()): Date {
  const parsed = generatedAt ? new Date(generatedAt) : null;
  let end = monthKey(parsed && !Number.isNaN(parsed.getTime()) ? parsed : fallback);
  for (const item of items) {
    const key = monthOf(item.month);
    if (key && key > end) end = key;
  }
  return new Date(Date.UTC(Number(end.slice(0, 4)), Number(end.slice(5, 7)) - 1, 1));
}

/**
 * The last 12 calendar months ending with `now`'s month (taken in UTC), in order, with months that
 * have no cost record shown as 0 (a gap in the data must not look like a flat line between two
 * points). Month strings are read as text, never through `Date`, so no time zone can shift them.
 */
export function costTrend(items: readonly { month: string; amount: string | number }[], now: Date = new Date(), months = 12): MonthPoint[] {
  const totals = new Map<string, number>();
  for (const item of items) {
    const key = monthOf(item.month);
    if (key) totals.set(key, (totals.get(key) ?? 0) + toNumber(item.amount));
  }
  const label = new Intl.DateTimeFormat('en', { month: 'short', year: '2-digit', timeZone: 'UTC' });
  const points: MonthPoint[] = [];
  for (let offset = months - 1; offset >= 0; offset--) {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1));
    const key = monthKey(date);
    points.push({ month: key, label: label.format(date), amount: Math.round((totals.get(key) ?? 0) * 100) / 100 });
  }
  return points;
}

/** Percent change from last month to this month; null when last month had nothing to compare. */
export function monthOverMonth(thisMonth: string | number | null | undefined, lastMonth: string | number | null | undefined): number | null {
  const previous = toNumber(lastMonth);
  if (previous === 0) return null;
  return Math.round(((toNumber(thisMonth) - previous) / previous) * 1000) / 10;
}
