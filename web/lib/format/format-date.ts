/**
 * A date as people say it in their language ("12 March 2026", "12 mars 2026", "12. März 2026").
 *
 * @example formatDate(new Date(2026, 2, 12), 'fr') // "12 mars 2026"
 */
export function formatDate(date: Date, locale: string, style: 'long' | 'medium' = 'long'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: style }).format(date);
}
