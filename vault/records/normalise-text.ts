/**
 * Text normalisation for local full-text search: NFD then combining marks removed (so "échographie" matches
 * "echographie"), lowercase, a few ligatures folded, then tokens of letters and digits. A decimal number
 * stays one token ("5,4" and "5.4" both become "5.4") so lab values can be searched as typed.
 */

const LIGATURES: Record<string, string> = { ß: 'ss', œ: 'oe', æ: 'ae', ø: 'o', ł: 'l', đ: 'd' };
const COMBINING_MARKS = /\p{M}+/gu;
const LIGATURE_CHARS = /[ßœæøłđ]/g;
const TOKEN = /[\p{L}\p{N}]+(?:[.,]\p{N}+)*/gu;

/** Lowercase, accent-free form of `text`. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(LIGATURE_CHARS, (char) => LIGATURES[char] ?? char);
}

/** The search tokens of `text`, in order, duplicates kept. */
export function tokenise(text: string): string[] {
  const folded = foldText(text);
  const tokens: string[] = [];
  for (const match of folded.matchAll(TOKEN)) tokens.push(match[0].replace(/,/g, '.'));
  return tokens;
}
