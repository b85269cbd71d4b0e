import { formatNumber } from './format-number.ts';

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/**
 * A size as people read it, in the language's own unit names ("1.5 MB", "1,5 Mo", "1,5 MB").
 *
 * @example formatBytes(1_500_000, 'fr') // "1,5 Mo"
 */
export function formatBytes(bytes: number, locale: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return formatNumber(value, locale, {
    style: 'unit',
    unit: UNITS[unit],
    // "87 bytes", not "87 byte": below a kilobyte the long name reads right in every language.
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
  });
}
