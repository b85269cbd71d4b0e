/**
 * A number with the language's grouping and decimal marks ("1,234.5", "1 234,5", "1.234,5").
 *
 * @example formatNumber(1234.5, 'de') // "1.234,5"
 */
export function formatNumber(value: number, locale: string, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale, options).format(value);
}
