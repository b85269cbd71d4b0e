import { describe, expect, it } from 'vitest';
import { emptyRow, rowErrors, rowToInput, type ObservationRow } from '../../web/lib/records/observation-row.ts';
import { parseDecimal } from '../../web/lib/records/parse-decimal.ts';
import { parseTags } from '../../web/lib/records/parse-tags.ts';
import { suggestFlag } from '../../web/lib/records/suggest-flag.ts';

const row = (fields: Partial<ObservationRow>): ObservationRow => ({ ...emptyRow(), ...fields });

describe(parseDecimal.name, () => {
  it.each([
    ['4.5', 4.5],
    ['4,5', 4.5],
    [' 12 ', 12],
    ['-0,25', -0.25],
    ['.5', 0.5],
    ['', undefined],
  ])('reads %j as %j', (text, expected) => {
    expect(parseDecimal(text)).toBe(expected);
  });

  it.each(['4.5.1', 'abc', '1e5', '12 mg'])('says %j is not a number', (text) => {
    expect(parseDecimal(text)).toBeNaN();
  });
});

describe(suggestFlag.name, () => {
  it('flags a value against its range', () => {
    expect(suggestFlag('11,2', 12, 16)).toBe('low');
    expect(suggestFlag('17', 12, 16)).toBe('high');
    expect(suggestFlag('12', 12, 16)).toBe('normal');
    expect(suggestFlag('3', undefined, 5)).toBe('normal');
  });

  it('says nothing without a number or a range', () => {
    expect(suggestFlag('positive', 12, 16)).toBeUndefined();
    expect(suggestFlag('12')).toBeUndefined();
  });
});

describe(rowErrors.name, () => {
  it('ignores a blank row and asks for a name otherwise', () => {
    expect(rowErrors(row({}))).toEqual({});
    expect(rowErrors(row({ value: '3' }))).toEqual({ name: 'required' });
  });

  it('refuses limits that are not numbers or that are upside down', () => {
    expect(rowErrors(row({ name: 'Na', low: 'x', high: '5' }))).toEqual({ low: 'number' });
    expect(rowErrors(row({ name: 'Na', low: '5', high: '4' }))).toEqual({ high: 'range' });
  });
});

describe(rowToInput.name, () => {
  it('trims, parses the limits and fills the flag from the range', () => {
    expect(rowToInput(row({ name: ' Haemoglobin ', value: '11.2', unit: 'g/dL', low: '12', high: '16' }))).toEqual({
      name: 'Haemoglobin',
      value: '11.2',
      unit: 'g/dL',
      low: 12,
      high: 16,
      flag: 'low',
    });
  });

  it('keeps the flag the person chose', () => {
    expect(rowToInput(row({ name: 'CRP', value: '2', low: '0', high: '5', flag: 'abnormal' })).flag).toBe('abnormal');
  });
});

describe(parseTags.name, () => {
  it('splits on commas, trims and drops empty and repeated tags', () => {
    expect(parseTags('diabetes, check-up, , diabetes')).toEqual(['diabetes', 'check-up']);
    expect(parseTags('')).toEqual([]);
  });
});
