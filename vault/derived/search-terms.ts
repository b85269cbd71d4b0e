import { tokenise } from '../records/normalise-text.ts';
import { TERM_MAX_UNITS } from './derived-bytes.ts';

/**
 * The search contract of docs/design/index-at-scale.md §4.1: text and queries are tokenised alike
 * (normalise-text.ts) and every token is cut to 64 UTF-16 units, so a 100,000-letter "word" cannot make one
 * term page. A query token of 64 units or more thus still finds the record: both sides hold the same cut.
 */

/** `token` cut to at most 64 UTF-16 units, to 63 when the 64th would be the first half of a surrogate pair. */
export function cutTerm(token: string): string {
  if (token.length <= TERM_MAX_UNITS) return token;
  const code = token.charCodeAt(TERM_MAX_UNITS - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? TERM_MAX_UNITS - 1 : TERM_MAX_UNITS;
  return token.slice(0, end);
}

/**
 * The sorted (UTF-16 order, like `<`), unique, cut tokens of `texts`: what the index stores for one record.
 * @example searchTerms(['Échographie 5,4 mg']) // ['5.4', 'echographie', 'mg']
 */
export function searchTerms(texts: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) for (const token of tokenise(text)) terms.add(cutTerm(token));
  return [...terms].sort();
}

/** The unique, cut tokens of `query`, longest first (they usually match least, which keeps intersections small). */
export function queryTokens(query: string): string[] {
  const tokens = new Set<string>();
  for (const token of tokenise(query)) tokens.add(cutTerm(token));
  return [...tokens].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}
