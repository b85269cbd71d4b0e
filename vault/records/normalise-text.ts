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

/** Longest token (UTF-16 units): a 100,000-letter "word" would otherwise fill a term page alone (§18.7). */
export const TOKEN_MAX_UNITS = 64;

/** `token` cut to 64 UTF-16 units, to 63 when the 64th would be the first half of a surrogate pair. */
function cut(token: string): string {
  if (token.length <= TOKEN_MAX_UNITS) return token;
  const code = token.charCodeAt(TOKEN_MAX_UNITS - 1);
  return token.slice(0, code >= 0xd800 && code <= 0xdbff ? TOKEN_MAX_UNITS - 1 : TOKEN_MAX_UNITS);
}

/** The search tokens of `text`, in order, duplicates kept, each cut to 64 units (text and queries alike). */
export function tokenise(text: string): string[] {
  const folded = foldText(text);
  const tokens: string[] = [];
  for (const match of folded.matchAll(TOKEN)) tokens.push(cut(match[0].replace(/,/g, '.')));
  return tokens;
}
