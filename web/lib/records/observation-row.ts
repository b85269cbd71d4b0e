import type { Observation, ObservationFlag, ObservationInput } from '#vault';
import { parseDecimal } from './parse-decimal.ts';
import { suggestFlag } from './suggest-flag.ts';

/** One lab value as the form edits it: text fields, and the stored id when it already exists. */
export interface ObservationRow {
  key: number;
  id?: string;
  name: string;
  value: string;
  unit: string;
  low: string;
  high: string;
  flag: ObservationFlag | '';
}

export type ObservationRowErrors = Partial<Record<'name' | 'low' | 'high', 'required' | 'number' | 'range'>>;

let nextKey = 1;

export function emptyRow(): ObservationRow {
  return { key: nextKey++, name: '', value: '', unit: '', low: '', high: '', flag: '' };
}

export function rowFromObservation(observation: Observation, locale: string): ObservationRow {
  const text = (value: number | undefined): string =>
    value === undefined
      ? ''
      : new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 20 }).format(value);
  return {
    key: nextKey++,
    id: observation.id,
    name: observation.name,
    value: observation.value,
    unit: observation.unit ?? '',
    low: text(observation.low),
    high: text(observation.high),
    flag: observation.flag ?? '',
  };
}

/** A row left completely empty is ignored rather than refused. */
export function isBlankRow(row: ObservationRow): boolean {
  return [row.name, row.value, row.unit, row.low, row.high].every((text) => text.trim() === '') && row.flag === '';
}

export function rowErrors(row: ObservationRow): ObservationRowErrors {
  const errors: ObservationRowErrors = {};
  if (isBlankRow(row)) return errors;
  if (row.name.trim() === '') errors.name = 'required';
  const low = parseDecimal(row.low);
  const high = parseDecimal(row.high);
  if (low !== undefined && Number.isNaN(low)) errors.low = 'number';
  if (high !== undefined && Number.isNaN(high)) errors.high = 'number';
  else if (low !== undefined && high !== undefined && !Number.isNaN(low) && low > high) errors.high = 'range';
  return errors;
}

/** What the vault stores for a valid row; the flag follows the range when the person chose none. */
export function rowToInput(row: ObservationRow): ObservationInput {
  const low = parseDecimal(row.low);
  const high = parseDecimal(row.high);
  const flag = row.flag === '' ? suggestFlag(row.value, low, high) : row.flag;
  return {
    name: row.name.trim(),
    value: row.value.trim(),
    ...(row.unit.trim() === '' ? {} : { unit: row.unit.trim() }),
    ...(low === undefined ? {} : { low }),
    ...(high === undefined ? {} : { high }),
    ...(flag === undefined ? {} : { flag }),
  };
}
