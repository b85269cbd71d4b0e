import { describe, expect, it } from 'vitest';
import { deriveFlag, parseDecimal, type Observation } from '#vault';
import {
  emptyRow,
  rowErrors,
  rowFromObservation,
  rowToInput,
  type ObservationRow,
} from '../../web/lib/records/observation-row.ts';
import { parseTags } from '../../web/lib/records/parse-tags.ts';

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

describe(deriveFlag.name, () => {
  it('flags a value against its range', () => {
    expect(deriveFlag({ value: '11,2', low: 12, high: 16 })).toBe('low');
    expect(deriveFlag({ value: '17', low: 12, high: 16 })).toBe('high');
    expect(deriveFlag({ value: '12', low: 12, high: 16 })).toBe('normal');
    expect(deriveFlag({ value: '3', high: 5 })).toBe('normal');
  });

  it('says nothing without a number or a range', () => {
    expect(deriveFlag({ value: 'positive', low: 12, high: 16 })).toBeUndefined();
    expect(deriveFlag({ value: '12' })).toBeUndefined();
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

  it('takes a range pasted into one limit field, and then wants the other one empty', () => {
    expect(rowErrors(row({ name: 'CRP', high: '< 5' }))).toEqual({});
    expect(rowErrors(row({ name: 'LDL', low: '0–1,6' }))).toEqual({});
    expect(rowErrors(row({ name: 'CRP', low: '1', high: '< 5' }))).toEqual({ low: 'pair' });
    expect(rowErrors(row({ name: 'CRP', low: '5 - 1' }))).toEqual({ low: 'number' });
  });
});

describe(rowToInput.name, () => {
  it('trims and parses the limits, and stores no flag when it is left to the range', () => {
    expect(rowToInput(row({ name: ' Haemoglobin ', value: '11.2', unit: 'g/dL', low: '12', high: '16' }))).toEqual({
      name: 'Haemoglobin',
      value: '11.2',
      unit: 'g/dL',
      low: 12,
      high: 16,
    });
  });

  it('splits a closed pasted range into low/high and keeps an open one as its text', () => {
    expect(rowToInput(row({ name: 'LDL', value: '1,45', low: '0 – 1,6' }))).toMatchObject({ low: 0, high: 1.6 });
    expect(rowToInput(row({ name: 'CRP', value: '2', high: '≤ 5' }))).toMatchObject({ high: 5 });
    const open = rowToInput(row({ name: 'CRP', value: '2', high: '< 5' }));
    expect(open).toMatchObject({ rangeText: '< 5' });
    expect(open.high).toBeUndefined();
  });

  it('keeps the flag the person chose', () => {
    expect(rowToInput(row({ name: 'CRP', value: '2', low: '0', high: '5', flag: 'abnormal' })).flag).toBe('abnormal');
  });
});

describe(rowFromObservation.name, () => {
  const stamp = { by: 1, at: 1 };
  const stored = (fields: Partial<Observation>): Observation => ({
    id: '0'.repeat(32),
    name: 'LDL',
    value: '1.72',
    created: stamp,
    changed: stamp,
    ...fields,
  });

  it('loads only a flag a person chose into the form; an automatic one stays automatic', () => {
    expect(rowFromObservation(stored({ low: 0, high: 1.6, flag: 'high', flagSource: 'auto' }), 'fr').flag).toBe('');
    expect(rowFromObservation(stored({ flag: 'abnormal', flagSource: 'manual' }), 'fr').flag).toBe('abnormal');
    expect(rowFromObservation(stored({ low: 0, high: 1.6 }), 'fr')).toMatchObject({ low: '0', high: '1,6' });
  });

  it('puts a range text back in the field it came from, and keeps one the fields cannot show', () => {
    expect(rowFromObservation(stored({ rangeText: '< 5' }), 'en')).toMatchObject({ low: '', high: '< 5' });
    expect(rowFromObservation(stored({ rangeText: '> 2' }), 'en')).toMatchObject({ low: '> 2', high: '' });
    const kept = rowFromObservation(stored({ rangeText: 'negative' }), 'en');
    expect(rowToInput(kept).rangeText).toBe('negative');
  });
});

describe(parseTags.name, () => {
  it('splits on commas, trims and drops empty and repeated tags', () => {
    expect(parseTags('diabetes, check-up, , diabetes')).toEqual(['diabetes', 'check-up']);
    expect(parseTags('')).toEqual([]);
  });
});
