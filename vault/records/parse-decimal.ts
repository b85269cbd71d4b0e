/**
 * A number as people type it in any of the app's languages: "4.5", "4,5", " 12 ", "1 234,5" (spaces, also the
 * no-break spaces French uses, group thousands). Undefined when the text is empty; NaN when it is not a plain
 * number. "1,234.5" and "1.234,5" are NaN on purpose: which mark is the decimal one cannot be told, and a lab
 * value read wrong by a factor of 1,000 is worse than one not read at all.
 *
 * @example parseDecimal('4,5') // 4.5
 */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text
    .trim()
    .replace(/\s/g, '')
    .replace(/^\u2212/, '-');
  if (trimmed === '') return undefined;
  if (!DECIMAL.test(trimmed)) return Number.NaN;
  return Number(trimmed.replace(',', '.'));
}

const DECIMAL = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/;
