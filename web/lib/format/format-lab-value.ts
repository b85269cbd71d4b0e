import { parseDecimal, parseRange } from '#vault';

/** The language's decimal mark ("." in English, "," in French and German). */
function decimalMark(locale: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}

/**
 * A lab value in the patient's language, with the precision it was entered with: "1.50" reads "1,50" in French
 * and German. The digits are moved, never recomputed, so no value is rounded. A value that is not a plain number
 * ("Positive", "< 0.5") is shown as typed.
 *
 * @example formatLabValue('1.50', 'fr') // "1,50"
 */
export function formatLabValue(text: string, locale: string): string {
  const number = parseDecimal(text);
  if (number === undefined || Number.isNaN(number)) return text;
  const compact = text
    .trim()
    .replace(/\s/g, '')
    .replace(/^\u2212/, '-');
  const parts = /^([-+]?)(\d*)(?:[.,](\d*))?$/.exec(compact);
  if (parts === null) return text;
  const [, sign = '', whole = '', fraction = ''] = parts;
  const grouped = new Intl.NumberFormat(locale).format(BigInt(whole === '' ? '0' : whole));
  return `${sign}${grouped}${fraction === '' ? '' : `${decimalMark(locale)}${fraction}`}`;
}

/**
 * A range as the lab printed it ("< 0.5", "0 - 1.6"), with its numbers in the patient's language. A text that is
 * not a range a number can be compared with ("negative") is shown as typed.
 *
 * @example formatRangeText('< 0.5', 'de') // "< 0,5"
 */
export function formatRangeText(text: string, locale: string): string {
  if (parseRange(text) === undefined) return text;
  return text.replace(/\d+(?:[.,]\d+)?/g, (number) => formatLabValue(number, locale));
}
