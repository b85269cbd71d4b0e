import { parseDecimal } from './parse-decimal.ts';

/**
 * A reference range: either end may be missing, and an end is open (the limit itself is outside) only when the
 * lab wrote it so ("< 5"). Ranges from the low/high fields are closed at both ends.
 */
export interface ReferenceRange {
  low?: number;
  high?: number;
  lowOpen?: boolean;
  highOpen?: boolean;
}

const NUMBER = String.raw`([-+\u2212]?[\d\s]*[.,]?\d+)`;
const BETWEEN = new RegExp(String.raw`^${NUMBER}\s*(?:-|–|—|\.\.|to|à|bis)\s*${NUMBER}$`, 'i');
const ONE_END = new RegExp(String.raw`^(<=|>=|≤|≥|<|>)\s*${NUMBER}$`);

function number(text: string | undefined): number | undefined {
  const parsed = parseDecimal(text ?? '');
  return parsed === undefined || Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Reads a range as labs print it: "0 - 1.6", "0–1,6", "< 5", "≤ 5", "<= 5", "> 2", "≥ 2". Undefined for
 * anything else (a text such as "negative" is a range, but not one a number can be compared with).
 *
 * @example parseRange('< 5') // { high: 5, highOpen: true }
 */
export function parseRange(text: string): ReferenceRange | undefined {
  const trimmed = text.trim();
  const between = BETWEEN.exec(trimmed);
  if (between !== null) {
    const low = number(between[1]);
    const high = number(between[2]);
    return low === undefined || high === undefined || low > high ? undefined : { low, high };
  }
  const oneEnd = ONE_END.exec(trimmed);
  const limit = number(oneEnd?.[2]);
  if (oneEnd === null || limit === undefined) return undefined;
  const sign = oneEnd[1];
  if (sign === '<') return { high: limit, highOpen: true };
  if (sign === '<=' || sign === '≤') return { high: limit };
  if (sign === '>') return { low: limit, lowOpen: true };
  return { low: limit };
}
