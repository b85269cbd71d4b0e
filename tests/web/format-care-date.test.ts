import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../web/lib/format/format-bytes.ts';
import { formatCareDate, formatMonth, today } from '../../web/lib/format/format-care-date.ts';
import { groupByMonth } from '#vault';

describe(formatCareDate.name, () => {
  it('keeps the day whatever the time zone', () => {
    expect(formatCareDate('2026-03-12', 'fr')).toBe('12 mars 2026');
    expect(formatCareDate('2026-03-12', 'de')).toBe('12. März 2026');
    expect(formatCareDate('2026-03-12', 'en')).toBe('12 March 2026');
  });
});

describe(formatMonth.name, () => {
  it('starts a heading with a capital in every language', () => {
    expect(formatMonth('2026-03', 'fr')).toBe('Mars 2026');
    expect(formatMonth('2026-03', 'en')).toBe('March 2026');
  });
});

describe(today.name, () => {
  it('is the local day as YYYY-MM-DD', () => {
    expect(today(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });
});

describe(formatBytes.name, () => {
  it('uses the language’s units', () => {
    expect(formatBytes(1_500_000, 'en')).toBe('1.5 MB');
    expect(formatBytes(1_500_000, 'fr')).toMatch(/^1,5\s?Mo$/);
    expect(formatBytes(512, 'en')).toBe('512 bytes');
  });
});

describe(groupByMonth.name, () => {
  it('groups entries sorted newest first into months', () => {
    const entry = (id: string, date: string) => ({ id, date }) as Parameters<typeof groupByMonth>[0][number];
    const sut = groupByMonth([entry('a', '2026-03-07'), entry('b', '2026-03-01'), entry('c', '2025-11-20')]);
    expect(sut.map((month) => [month.month, month.entries.map((e) => e.id)])).toEqual([
      ['2026-03', ['a', 'b']],
      ['2025-11', ['c']],
    ]);
  });
});
