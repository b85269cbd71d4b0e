/**
 * A number as people type it in any of the app's languages: "4.5", "4,5", " 12 ". Undefined when the text is
 * empty; NaN when it is not a number (the form says so).
 *
 * @example parseDecimal('4,5') // 4.5
 */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim().replace(/\s/g, '');
  if (trimmed === '') return undefined;
  if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(trimmed)) return Number.NaN;
  return Number(trimmed.replace(',', '.'));
}
