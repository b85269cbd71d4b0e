// Issue 11, part 3: the recovery key is read as people type it back from paper, and a typo is reported with the
// group to check when exactly one group explains it (crypto/recovery-key-mistake.ts explains the design).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BASE32_ALPHABET,
  decodeBase32,
  equal,
  hashWithDomain,
  parseRecoveryKeyText,
  ready,
  recoveryKeyText,
  RecoveryKeyTextError,
  type RecoveryKeyMistake,
} from '#crypto';
import { LONG, seededBytes, testSeed } from './stream-support.ts';

beforeAll(async () => {
  await ready();
});

/** The 55 symbols of a printed key, without prefix or dashes. */
const symbolsOf = (key: Uint8Array): string => recoveryKeyText(key).slice(4).replace(/-/g, '');
const grouped = (symbols: string, separator: string): string => symbols.match(/.{1,5}/g)?.join(separator) ?? '';

/** §16.2 restated independently of crypto/: the symbols decode (zero pad bits) and the check matches. */
function checksOut(symbols: string): boolean {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase32(symbols, 34);
  } catch {
    return false;
  }
  return equal(hashWithDomain('carnet/v1/recovery-check', bytes.slice(0, 32)).slice(0, 2), bytes.slice(32));
}

/** Whether some single substitution or neighbour swap inside `group` (0-based) makes the symbols check out. */
function groupExplains(symbols: string, group: number): boolean {
  for (let at = group * 5; at < group * 5 + 5; at++) {
    for (const symbol of BASE32_ALPHABET) {
      if (symbol !== symbols[at] && checksOut(symbols.slice(0, at) + symbol + symbols.slice(at + 1))) return true;
    }
    if (at + 1 < group * 5 + 5) {
      const swapped = symbols.slice(0, at) + (symbols[at + 1] ?? '') + (symbols[at] ?? '') + symbols.slice(at + 2);
      if (swapped !== symbols && checksOut(swapped)) return true;
    }
  }
  return false;
}

function mistakeOf(text: string): RecoveryKeyMistake {
  try {
    parseRecoveryKeyText(text);
  } catch (error) {
    if (error instanceof RecoveryKeyTextError) {
      expect(error.code).toBe(error.mistake.kind === 'checksum' ? 'recovery_checksum' : 'bad_encoding');
      return error.mistake;
    }
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
}

/** A seeded key whose printed text holds both a 1 and a 0, for the look-alike controls. */
function keyWithOneAndZero(): Uint8Array {
  for (let seed = 1; ; seed++) {
    const key = seededBytes(32, seed);
    const symbols = symbolsOf(key);
    if (symbols.includes('1') && symbols.includes('0')) return key;
  }
}

describe('recovery key text', () => {
  it('accepts the key as people type it: spaces, no separators, no prefix, line breaks, tabs, other dashes', () => {
    const key = seededBytes(32, 11);
    const symbols = symbolsOf(key);
    const typed = [
      recoveryKeyText(key),
      'CR1 ' + grouped(symbols, ' '),
      grouped(symbols, ' '),
      symbols,
      'CR1' + symbols,
      'cr1-' + symbols.toLowerCase(),
      grouped(symbols, '\n'),
      '  ' + grouped(symbols, '\t') + '\n',
      grouped(symbols, ' – '),
      'CR1—' + grouped(symbols, '—'),
      grouped(symbols, '\u2212'),
      grouped(symbols.toLowerCase(), '\u00a0'),
      grouped(symbols, '.'),
      'CRI-' + grouped(symbols, '-'),
      'CR1 ' + grouped(symbols, '-').slice(0, 29) + '\n' + grouped(symbols, '-').slice(29),
    ];
    for (const text of typed) expect(parseRecoveryKeyText(text), JSON.stringify(text)).toEqual(key);
  });

  it('controls: lower case and the Crockford look-alikes (I, L for 1; O for 0) still decode', () => {
    const key = keyWithOneAndZero();
    const printed = recoveryKeyText(key);
    expect(parseRecoveryKeyText(printed.toLowerCase())).toEqual(key);
    const lookAlikes = 'CR1-' + printed.slice(4).replace(/1/g, 'I').replace(/0/g, 'O');
    expect(lookAlikes).toMatch(/[IO]/);
    expect(parseRecoveryKeyText(lookAlikes)).toEqual(key);
    expect(parseRecoveryKeyText(lookAlikes.replace(/I/g, 'l').toLowerCase())).toEqual(key);
  });

  it('reads a key whose symbols happen to start with CR1 whole, with or without the prefix', () => {
    // The first 15 bits spell C (12), R (24), 1 (1): R[0] = 0b01100110, R[1] = 0b00000001 (bits 7 and 8 set).
    const key = seededBytes(32, 5);
    key[0] = 0b01100110;
    key[1] = (key[1] ?? 0) & 0b00000001;
    key[1] |= 0b00000010;
    const symbols = symbolsOf(key);
    expect(symbols.startsWith('CR1')).toBe(true);
    expect(parseRecoveryKeyText(symbols)).toEqual(key);
    expect(parseRecoveryKeyText(grouped(symbols, ' '))).toEqual(key);
    expect(parseRecoveryKeyText('CR1' + symbols)).toEqual(key);
    expect(parseRecoveryKeyText(recoveryKeyText(key))).toEqual(key);
  });

  it('a wrong length says how many symbols are missing or extra, and the group when the grouping shows it', () => {
    const symbols = symbolsOf(seededBytes(32, 12));
    expect(mistakeOf(symbols.slice(0, 54))).toEqual({ kind: 'length', found: 54, expected: 55, group: null });
    expect(mistakeOf('CR1-' + symbols.slice(0, 50))).toEqual({ kind: 'length', found: 50, expected: 55, group: null });
    expect(mistakeOf(symbols + 'AB')).toEqual({ kind: 'length', found: 57, expected: 55, group: null });
    const groups = grouped(symbols, ' ').split(' ');
    groups[3] = groups[3]?.slice(0, 4) ?? '';
    expect(mistakeOf(groups.join(' '))).toEqual({ kind: 'length', found: 54, expected: 55, group: 4 });
    groups[3] += 'XY';
    expect(mistakeOf('CR1-' + groups.join('-'))).toEqual({ kind: 'length', found: 56, expected: 55, group: 4 });
    expect(mistakeOf('')).toEqual({ kind: 'length', found: 0, expected: 55, group: null });
  });

  it('a character that is no symbol is named with its group', () => {
    const symbols = symbolsOf(seededBytes(32, 13));
    const withU = symbols.slice(0, 22) + 'U' + symbols.slice(23);
    expect(mistakeOf(grouped(withU, ' '))).toEqual({ kind: 'character', character: 'U', group: 5 });
    expect(mistakeOf(withU)).toEqual({ kind: 'character', character: 'U', group: 5 });
    expect(mistakeOf('CR1-' + grouped(symbols, '-').replace(/^./, '#'))).toEqual({
      kind: 'character',
      character: '#',
      group: 1,
    });
  });

  it('a typo at every position of every group is caught, and named to its group when only that group explains it', () => {
    const key = seededBytes(32, 2026);
    const symbols = symbolsOf(key);
    let located = 0;
    let unlocated = 0;
    for (let at = 0; at < 55; at++) {
      const group = Math.floor(at / 5) + 1;
      const original = BASE32_ALPHABET.indexOf(symbols[at] ?? '');
      // Every replacement in long mode; otherwise four spread over the alphabet, and all 31 in the last group
      // (whose last symbol also carries the 3 pad bits).
      const shifts = LONG || group === 11 ? Array.from({ length: 31 }, (_, i) => i + 1) : [1, 8, 16, 31];
      for (const shift of shifts) {
        const typo = symbols.slice(0, at) + (BASE32_ALPHABET[(original + shift) % 32] ?? '') + symbols.slice(at + 1);
        const mistake = mistakeOf(grouped(typo, ' '));
        expect(mistake.kind).toBe('checksum');
        if (mistake.kind !== 'checksum') continue;
        if (mistake.group !== null) {
          // Never a wrong group: the typo's own group always explains it, so a named group is that one.
          expect(mistake.group, `typo at ${String(at)}`).toBe(group);
          located++;
        } else {
          // Not named only because another group could explain it too (a 2^-16 coincidence per try).
          const others = Array.from({ length: 11 }, (_, g) => g).filter((g) => g !== group - 1);
          expect(
            others.some((g) => groupExplains(typo, g)),
            `typo at ${String(at)}`,
          ).toBe(true);
          unlocated++;
        }
      }
    }
    console.log(`single typos: ${String(located)} located, ${String(unlocated)} explained by two groups`);
    expect(located + unlocated).toBe(LONG ? 55 * 31 : 50 * 4 + 5 * 31);
    expect(located / (located + unlocated)).toBeGreaterThan(0.95);
  }, 120_000);

  it('swapped neighbours inside a group are caught and located the same way', () => {
    const symbols = symbolsOf(seededBytes(32, 77));
    let swaps = 0;
    for (let at = 0; at < 54; at++) {
      if (at % 5 === 4 || symbols[at] === symbols[at + 1]) continue;
      const typo = symbols.slice(0, at) + (symbols[at + 1] ?? '') + (symbols[at] ?? '') + symbols.slice(at + 2);
      const mistake = mistakeOf(typo);
      expect(mistake.kind).toBe('checksum');
      if (mistake.kind === 'checksum' && mistake.group !== null) expect(mistake.group).toBe(Math.floor(at / 5) + 1);
      swaps++;
    }
    expect(swaps).toBeGreaterThan(30);
  });

  it('property: random keys, random single typos, typed any accepted way: caught, never located in a wrong group', () => {
    const seed = testSeed('recovery key typos');
    const forms = [
      (s: string) => grouped(s, ' '),
      (s: string) => s.toLowerCase(),
      (s: string) => 'CR1-' + grouped(s, '-'),
      (s: string) => grouped(s, '\n'),
      (s: string) => 'cr1 ' + grouped(s, ' – ').toLowerCase(),
    ];
    let located = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 54 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: forms.length - 1 }),
        (key, at, shift, form) => {
          runs++;
          const symbols = symbolsOf(key);
          const typed = forms[form] ?? ((s: string) => s);
          expect(parseRecoveryKeyText(typed(symbols))).toEqual(key);
          const original = BASE32_ALPHABET.indexOf(symbols[at] ?? '');
          const symbol = BASE32_ALPHABET[(original + shift) % 32] ?? '';
          const typo = symbols.slice(0, at) + symbol + symbols.slice(at + 1);
          let mistake: RecoveryKeyMistake | null = null;
          try {
            // A typo that satisfies the 16-bit check (2^-16) reads as another key: the vault then refuses it.
            expect(parseRecoveryKeyText(typed(typo))).not.toEqual(key);
          } catch (error) {
            if (!(error instanceof RecoveryKeyTextError)) throw error;
            mistake = error.mistake;
          }
          if (mistake === null) return;
          expect(mistake.kind).toBe('checksum');
          if (mistake.kind === 'checksum' && mistake.group !== null) {
            expect(mistake.group).toBe(Math.floor(at / 5) + 1);
            located++;
          }
        },
      ),
      { seed, numRuns: LONG ? 5_000 : 200 },
    );
    console.log(`recovery key typos: ${String(located)} of ${String(runs)} located`);
    expect(located / runs).toBeGreaterThan(0.9);
  }, 120_000);
});
