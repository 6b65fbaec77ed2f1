import { describe, expect, it } from 'vitest';
import { formatDetailValue, formatMoneyCompact } from './format';

describe('formatMoneyCompact', () => {
  it('keeps axis labels short', () => {
    expect(formatMoneyCompact(0)).toBe('$0');
    expect(formatMoneyCompact(400)).toBe('$400');
    expect(formatMoneyCompact(1600)).toBe('$1.6K');
    expect(formatMoneyCompact(6000)).toBe('$6K');
    expect(formatMoneyCompact(1_250_000, 'EUR')).toBe('€1.3M');
  });
});

describe('formatDetailValue', () => {
  it('lists arrays plainly and keeps objects as JSON', () => {
    expect(formatDetailValue(['account_id', 'name'])).toBe('account_id, name');
    expect(formatDetailValue({ a: 1 })).toBe('{"a":1}');
    expect(formatDetailValue([{ a: 1 }, 2])).toBe('{"a":1}, 2');
    expect(formatDetailValue(true)).toBe('true');
    expect(formatDetailValue(null)).toBe('null');
  });
});
