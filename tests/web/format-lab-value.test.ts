import { describe, expect, it } from 'vitest';
import { formatLabValue, formatRangeText } from '../../web/lib/format/format-lab-value.ts';

describe(formatLabValue.name, () => {
  it.each([
    ['1.45', '1.45', '1,45', '1,45'],
    ['1.50', '1.50', '1,50', '1,50'],
    ['0,55', '0.55', '0,55', '0,55'],
    ['12', '12', '12', '12'],
    ['-0.25', '-0.25', '-0,25', '-0,25'],
    ['1 234,5', '1,234.5', '1\u202f234,5', '1.234,5'],
    ['0.000', '0.000', '0,000', '0,000'],
  ])('writes %j as %j in en, %j in fr, %j in de', (text, en, fr, de) => {
    expect(formatLabValue(text, 'en')).toBe(en);
    expect(formatLabValue(text, 'fr')).toBe(fr);
    expect(formatLabValue(text, 'de')).toBe(de);
  });

  it('keeps every digit of a long value (moved, not recomputed)', () => {
    expect(formatLabValue('0.12345678901234567891', 'fr')).toBe('0,12345678901234567891');
  });

  it.each(['Positive', '< 0.5', 'abc', '1,234.5', ''])('shows %j as typed', (text) => {
    expect(formatLabValue(text, 'fr')).toBe(text);
    expect(formatLabValue(text, 'de')).toBe(text);
  });
});

describe(formatRangeText.name, () => {
  it('puts the numbers of a range text in the language, and leaves other texts alone', () => {
    expect(formatRangeText('< 0.5', 'fr')).toBe('< 0,5');
    expect(formatRangeText('0 - 1.6', 'de')).toBe('0 - 1,6');
    expect(formatRangeText('≤ 5,25', 'en')).toBe('≤ 5.25');
    expect(formatRangeText('negative', 'de')).toBe('negative');
  });
});
