/**
 * The Intl locale for dates: Carnet's English is the English of Luxembourg's neighbours, day before month
 * ("12 March 2026", as the French and German screens have it), not the United States' "March 12, 2026".
 */
export const dateLocale = (locale: string): string => (locale === 'en' ? 'en-GB' : locale);

/**
 * A date as people say it in their language ("12 March 2026", "12 mars 2026", "12. März 2026").
 *
 * @example formatDate(new Date(2026, 2, 12), 'fr') // "12 mars 2026"
 */
export function formatDate(date: Date, locale: string, style: 'long' | 'medium' = 'long'): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: style }).format(date);
}
