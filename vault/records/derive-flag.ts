import { parseDecimal } from './parse-decimal.ts';
import { parseRange, type ReferenceRange } from './reference-range.ts';
import type { FlagSource, ObservationFlag } from './record-schema.ts';

/** The fields of an observation the flag depends on. */
export interface FlagInputs {
  value: string;
  low?: number | undefined;
  high?: number | undefined;
  rangeText?: string | undefined;
}

/** The range a flag is derived from: the low/high numbers when either is set, else a range text that parses. */
export function rangeOf(observation: FlagInputs): ReferenceRange | undefined {
  if (observation.low !== undefined || observation.high !== undefined) {
    return {
      ...(observation.low === undefined ? {} : { low: observation.low }),
      ...(observation.high === undefined ? {} : { high: observation.high }),
    };
  }
  return observation.rangeText === undefined ? undefined : parseRange(observation.rangeText);
}

/**
 * The automatic flag: low below the range, high above it, normal inside. Undefined when the value is not a
 * plain number ("Positive", "< 0.5", "abc") or there is no range a number can be compared with: no flag is
 * better than a wrong one.
 *
 * @example deriveFlag({ value: '1,72', low: 0, high: 1.6 }) // 'high'
 */
export function deriveFlag(observation: FlagInputs): ObservationFlag | undefined {
  const value = parseDecimal(observation.value);
  const range = rangeOf(observation);
  if (value === undefined || Number.isNaN(value) || range === undefined) return undefined;
  if (range.low === undefined && range.high === undefined) return undefined;
  if (range.low !== undefined && (value < range.low || (range.lowOpen === true && value === range.low))) return 'low';
  if (range.high !== undefined && (value > range.high || (range.highOpen === true && value === range.high))) {
    return 'high';
  }
  return 'normal';
}

/**
 * The flag an observation shows, from what its document stores (docs/PROTOCOL.md §7.7): a flag stored with
 * `flagSource: 'manual'` is a person's and always kept; no stored flag means automatic. A flag stored without
 * `flagSource` was written before flags had a source and cannot be told apart: it counts as automatic when it
 * equals what value and range derive today, and as a person's when it differs (kept, never silently dropped).
 */
export function resolveFlag(
  stored: FlagInputs & { flag?: ObservationFlag | undefined; flagSource?: string | undefined },
): { flag?: ObservationFlag; flagSource?: FlagSource } {
  const derived = deriveFlag(stored);
  if (stored.flag !== undefined && (stored.flagSource === 'manual' || stored.flag !== derived)) {
    return { flag: stored.flag, flagSource: 'manual' };
  }
  return derived === undefined ? {} : { flag: derived, flagSource: 'auto' };
}

/** A flag other than normal: what the overview counts as "out of range". */
export function isAbnormalFlag(flag: ObservationFlag | undefined): boolean {
  return flag === 'low' || flag === 'high' || flag === 'abnormal';
}
