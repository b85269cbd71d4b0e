import { dateLocale, formatDate } from './format-date.ts';

/** A `YYYY-MM-DD` day as a local date (no time zone shift: 2026-03-12 stays the 12th everywhere). */
export function dayToDate(day: string): Date {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(year, month - 1, date);
}

/**
 * A date of care as people say it ("12 March 2026").
 *
 * @example formatCareDate('2026-03-12', 'fr') // "12 mars 2026"
 */
export function formatCareDate(day: string, locale: string): string {
  return formatDate(dayToDate(day), locale);
}

/**
 * A timeline month heading ("March 2026", "Mars 2026", "März 2026").
 *
 * @example formatMonth('2026-03', 'fr') // "Mars 2026"
 */
export function formatMonth(month: string, locale: string): string {
  const text = new Intl.DateTimeFormat(dateLocale(locale), { month: 'long', year: 'numeric' }).format(
    dayToDate(`${month}-01`),
  );
  // French writes months in lower case; a heading still starts with a capital ("Mars 2026").
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** Today as `YYYY-MM-DD` in local time (the default date of care of a new record). */
export function today(now: Date = new Date()): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
