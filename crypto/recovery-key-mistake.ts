// PROTOCOL.md §16.2, §22.8: reading a recovery key as people type it back from paper, and, when it does not
// check out, saying where to look. The key is 55 symbols (11 groups of 5) encoding R (32 bytes) ‖ a 2-byte
// check and 3 zero pad bits. A 16-bit check cannot say which symbol is wrong, but it can say which group could
// be: a single-symbol typo is undone by one of the 5 × 31 substitutions (or 4 swaps) of its group, and any
// other substitution satisfies the check only by chance (2^-16 each, about 1,750 tries in all). So a group is
// named only when exactly one group holds a change that satisfies the check; otherwise nothing is named.
import { BASE32_ALPHABET } from './base32.ts';
import { CryptoError } from './crypto-error.ts';

/** Symbols of a recovery key (without the `CR1` prefix), and its groups. */
export const RECOVERY_KEY_SYMBOLS = 55;
export const RECOVERY_KEY_GROUPS = 11;
const GROUP = 5;
const PREFIX = 'CR1';

/**
 * What was wrong with a typed recovery key. `group` counts from 1 and is null when it cannot be told.
 * - `length`: `found` symbols where 55 were expected (the prefix and separators not counted).
 * - `character`: a character that is neither a symbol nor a separator.
 * - `checksum`: the symbols do not check out: a typo somewhere (in `group`, when exactly one group explains it).
 */
export type RecoveryKeyMistake =
  | { readonly kind: 'length'; readonly found: number; readonly expected: number; readonly group: number | null }
  | { readonly kind: 'character'; readonly character: string; readonly group: number | null }
  | { readonly kind: 'checksum'; readonly group: number | null };

/** The typed error of parseRecoveryKeyText: `recovery_checksum` for a checksum mistake, else `bad_encoding`. */
export class RecoveryKeyTextError extends CryptoError {
  readonly mistake: RecoveryKeyMistake;

  constructor(mistake: RecoveryKeyMistake) {
    super(mistake.kind === 'checksum' ? 'recovery_checksum' : 'bad_encoding', `recovery key: ${mistake.kind}`);
    this.mistake = mistake;
  }
}

// Whitespace (line breaks, tabs, no-break spaces), every dash (hyphen, en and em dash, minus sign…), soft
// hyphens and zero-width characters a copy may carry, dots and underscores: none is a symbol, all are ignored.
const SEPARATORS = /[\s\p{Pd}\u2212\u00ad\u200b-\u200d\u2060\ufeff._]+/u;

/** Upper case, full-width forms folded (NFKC), and the Crockford look-alikes read as the digits they stand for. */
function fold(text: string): string {
  // ASCII letters only: a letter such as `ß` must stay one (refused) character, not become `SS`.
  return text
    .normalize('NFKC')
    .replace(/[a-z]/g, (letter) => letter.toUpperCase())
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/**
 * The 55 symbol values of a typed key, or the mistake that prevents reading them. The `CR1` prefix is optional:
 * it is dropped when it stands apart (`CR1-`, `CR1 `) or when the symbols count 58 with it (a key of 55 that
 * happens to start with `CR1` keeps it).
 */
export function recoveryKeySymbols(text: string): number[] {
  const tokens = fold(text)
    .split(SEPARATORS)
    .filter((token) => token !== '');
  if (tokens[0] === PREFIX) tokens.shift();
  else if (tokens.join('').length !== RECOVERY_KEY_SYMBOLS && tokens[0]?.startsWith(PREFIX) === true) {
    tokens[0] = tokens[0].slice(PREFIX.length);
    if (tokens[0] === '') tokens.shift();
  }
  const joined = tokens.join('');
  // The person's own grouping points at the group, when it has the printed shape.
  const typedGroups = tokens.length === RECOVERY_KEY_GROUPS;
  const groupOf = (index: number): number | null => {
    if (typedGroups) {
      let seen = 0;
      for (const [group, token] of tokens.entries()) {
        seen += Array.from(token).length;
        if (index < seen) return group + 1;
      }
    }
    return joined.length === RECOVERY_KEY_SYMBOLS ? Math.floor(index / GROUP) + 1 : null;
  };
  const values: number[] = [];
  for (const [index, character] of Array.from(joined).entries()) {
    const value = BASE32_ALPHABET.indexOf(character);
    if (value < 0) throw new RecoveryKeyTextError({ kind: 'character', character, group: groupOf(index) });
    values.push(value);
  }
  if (values.length !== RECOVERY_KEY_SYMBOLS) {
    const odd = tokens.flatMap((token, index) => (Array.from(token).length === GROUP ? [] : [index + 1]));
    const group = typedGroups && odd.length === 1 ? (odd[0] ?? null) : null;
    throw new RecoveryKeyTextError({
      kind: 'length',
      found: values.length,
      expected: RECOVERY_KEY_SYMBOLS,
      group,
    });
  }
  return values;
}

/** `R ‖ check` from 55 symbol values, or null when the 3 pad bits are not zero. Callers wipe the result. */
export function recoveryKeyBytes(values: readonly number[]): Uint8Array | null {
  const out = new Uint8Array(34);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const value of values) {
    buffer = ((buffer << 5) | value) & 0x1fff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    out.fill(0);
    return null;
  }
  return out;
}

/**
 * The one group (1-based) whose single-symbol substitution or adjacent swap makes the symbols check out, or
 * null when none or several do. `checks` says whether symbols check out (pad bits and checksum).
 */
export function locateMistypedGroup(
  values: readonly number[],
  checks: (candidate: readonly number[]) => boolean,
): number | null {
  const explaining = new Set<number>();
  const candidate = [...values];
  for (let group = 0; group < RECOVERY_KEY_GROUPS; group++) {
    const start = group * GROUP;
    for (let at = start; at < start + GROUP && !explaining.has(group); at++) {
      const original = values[at] ?? 0;
      for (let value = 0; value < BASE32_ALPHABET.length; value++) {
        if (value === original) continue;
        candidate[at] = value;
        if (checks(candidate)) {
          explaining.add(group);
          break;
        }
      }
      candidate[at] = original;
      const next = values[at + 1];
      if (!explaining.has(group) && at + 1 < start + GROUP && next !== undefined && next !== original) {
        candidate[at] = next;
        candidate[at + 1] = original;
        if (checks(candidate)) explaining.add(group);
        candidate[at] = original;
        candidate[at + 1] = next;
      }
    }
    if (explaining.size > 1) return null;
  }
  const [only] = explaining;
  return explaining.size === 1 && only !== undefined ? only + 1 : null;
}
