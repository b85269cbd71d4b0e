import { parseDecimal, parseRange, type Observation, type ObservationFlag, type ObservationInput } from '#vault';

/** One lab value as the form edits it: text fields, and the stored id when it already exists. */
export interface ObservationRow {
  key: number;
  id?: string;
  name: string;
  value: string;
  unit: string;
  low: string;
  high: string;
  /** A flag the person chose; '' leaves it to the range (automatic, derived by the vault on every read). */
  flag: ObservationFlag | '';
  /** A stored range text the form cannot show in its fields ("negative"): kept as it is while they stay empty. */
  keptRangeText?: string;
}

export type ObservationRowErrors = Partial<Record<'name' | 'low' | 'high', 'required' | 'number' | 'range' | 'pair'>>;

let nextKey = 1;

export function emptyRow(): ObservationRow {
  return { key: nextKey++, name: '', value: '', unit: '', low: '', high: '', flag: '' };
}

/** A range as labs print it ("0–1,6", "< 5", "≥ 2"), typed or pasted into one of the limit fields. */
function rangeTextIn(text: string): boolean {
  return Number.isNaN(parseDecimal(text)) && parseRange(text) !== undefined;
}

export function rowFromObservation(observation: Observation, locale: string): ObservationRow {
  const text = (value: number | undefined): string =>
    value === undefined
      ? ''
      : new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 20 }).format(value);
  const { rangeText } = observation;
  const fromText = observation.low === undefined && observation.high === undefined && rangeText !== undefined;
  const parsed = fromText ? parseRange(rangeText) : undefined;
  // "< 5" goes back where a person would type it: an upper limit in "Normal up to", anything else in "from".
  const upperOnly = parsed !== undefined && parsed.low === undefined;
  return {
    key: nextKey++,
    id: observation.id,
    name: observation.name,
    value: observation.value,
    unit: observation.unit ?? '',
    low: parsed !== undefined && !upperOnly ? (rangeText ?? '') : text(observation.low),
    high: parsed !== undefined && upperOnly ? (rangeText ?? '') : text(observation.high),
    flag: observation.flagSource === 'manual' ? (observation.flag ?? '') : '',
    ...(fromText && parsed === undefined ? { keptRangeText: rangeText } : {}),
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
  if (rangeTextIn(row.low) || rangeTextIn(row.high)) {
    // One field holds a whole range: the other one must stay empty.
    if (rangeTextIn(row.low) && row.high.trim() !== '') errors.high = 'pair';
    else if (rangeTextIn(row.high) && row.low.trim() !== '') errors.low = 'pair';
    return errors;
  }
  const low = parseDecimal(row.low);
  const high = parseDecimal(row.high);
  if (low !== undefined && Number.isNaN(low)) errors.low = 'number';
  if (high !== undefined && Number.isNaN(high)) errors.high = 'number';
  else if (low !== undefined && high !== undefined && !Number.isNaN(low) && low > high) errors.high = 'range';
  return errors;
}

/**
 * The range a valid row stores. A range typed in one field is split into low/high when its ends are closed
 * ("0–1,6", "≤ 5"); an open one ("< 5": 5 itself is out of range) is kept as its text, which low/high cannot say.
 */
function rangeOfRow(row: ObservationRow): Pick<ObservationInput, 'low' | 'high' | 'rangeText'> {
  const typed = [row.low, row.high].find(rangeTextIn)?.trim();
  const range = typed === undefined ? undefined : parseRange(typed);
  if (typed !== undefined && range !== undefined) {
    if (range.lowOpen === true || range.highOpen === true) return { rangeText: typed };
    return {
      ...(range.low === undefined ? {} : { low: range.low }),
      ...(range.high === undefined ? {} : { high: range.high }),
    };
  }
  const low = parseDecimal(row.low);
  const high = parseDecimal(row.high);
  if (low === undefined && high === undefined && row.keptRangeText !== undefined) {
    return { rangeText: row.keptRangeText };
  }
  return { ...(low === undefined ? {} : { low }), ...(high === undefined ? {} : { high }) };
}

/** What the vault stores for a valid row. A flag goes in only when the person chose one: it is theirs. */
export function rowToInput(row: ObservationRow): ObservationInput {
  return {
    name: row.name.trim(),
    value: row.value.trim(),
    ...(row.unit.trim() === '' ? {} : { unit: row.unit.trim() }),
    ...rangeOfRow(row),
    ...(row.flag === '' ? {} : { flag: row.flag }),
  };
}
