import type { ObservationFlag } from '#vault';
import { parseDecimal } from './parse-decimal.ts';

/**
 * The flag a lab value earns from its reference range when the person did not set one: low below the range,
 * high above it, normal inside. Undefined when the value is not a number or there is no range.
 *
 * @example suggestFlag('11.2', 12, 16) // 'low'
 */
export function suggestFlag(value: string, low?: number, high?: number): ObservationFlag | undefined {
  const number = parseDecimal(value);
  if (number === undefined || Number.isNaN(number) || (low === undefined && high === undefined)) return undefined;
  if (low !== undefined && number < low) return 'low';
  if (high !== undefined && number > high) return 'high';
  return 'normal';
}
