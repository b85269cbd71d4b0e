import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRecordsModel,
  deriveFlag,
  OBSERVATION_FLAGS,
  parseDecimal,
  parseRange,
  resolveFlag,
  type ObservationFlag,
} from '#vault';
import { assertProperty, manualClock, runs, seededRandom } from './support.ts';

/** A number with up to three decimals, and how each language writes it ("1234.5", "1 234,5", "1234,5"). */
const decimal = fc
  .record({ whole: fc.nat(99_999), fraction: fc.stringMatching(/^\d{0,3}$/), negative: fc.boolean() })
  .map(({ whole, fraction, negative }) => ({ whole, fraction, negative: negative && whole > 0 }));
type Decimal = { whole: number; fraction: string; negative: boolean };
const LOCALES = ['en', 'fr', 'fr-nbsp', 'de'] as const;

function numberOf(d: Decimal): number {
  return Number(`${d.negative ? '-' : ''}${d.whole}.${d.fraction === '' ? '0' : d.fraction}`);
}

function written(d: Decimal, locale: (typeof LOCALES)[number]): string {
  const sign = d.negative ? '-' : '';
  const mark = locale === 'en' ? '.' : ',';
  const space = locale === 'fr' ? ' ' : '\u202f';
  const whole = locale.startsWith('fr') ? String(d.whole).replace(/\B(?=(\d{3})+$)/g, space) : String(d.whole);
  return `${sign}${whole}${d.fraction === '' ? '' : `${mark}${d.fraction}`}`;
}

/** What the flag must be, computed from numbers rather than from text. */
function expected(value: number, low?: number, high?: number, lowOpen = false, highOpen = false): ObservationFlag {
  if (low !== undefined && (value < low || (lowOpen && value === low))) return 'low';
  if (high !== undefined && (value > high || (highOpen && value === high))) return 'high';
  return 'normal';
}

const RANGE_KINDS = ['both', 'low', 'high', '<', '<=', '≤', '>', '>=', '≥', '-', '–'] as const;

describe(deriveFlag.name, () => {
  it('reads values written in en, fr and de ("1.45", "0,55", "1 234,5")', () => {
    expect(parseDecimal('1.45')).toBe(1.45);
    expect(parseDecimal('0,55')).toBe(0.55);
    expect(parseDecimal('1 234,5')).toBe(1234.5);
    expect(parseDecimal('1\u202f234,5')).toBe(1234.5);
    expect(parseDecimal('1,234.5')).toBeNaN();
    expect(parseRange('< 5')).toEqual({ high: 5, highOpen: true });
    expect(parseRange('≥ 2,5')).toEqual({ low: 2.5 });
    expect(parseRange('0 – 1,6')).toEqual({ low: 0, high: 1.6 });
    expect(parseRange('negative')).toBeUndefined();
  });

  it('derives the flag the value earns against its range, in every language and range form', () => {
    const property = fc.property(
      decimal,
      decimal,
      decimal,
      fc.constantFrom(...LOCALES),
      fc.constantFrom(...RANGE_KINDS),
      fc.nat(2),
      (valueParts, a, b, locale, kind, pin) => {
        const value = numberOf(valueParts);
        // Often put a limit on the value itself: the ends are where open and closed ranges differ.
        const first = pin === 1 ? valueParts : a;
        const [lowParts, highParts] = numberOf(first) <= numberOf(b) ? [first, b] : [b, first];
        const low = numberOf(lowParts);
        const high = numberOf(highParts);
        const text = written(valueParts, locale);
        const limit = (parts: Decimal) => written(parts, locale);
        let flag: ObservationFlag | undefined;
        let want: ObservationFlag;
        if (kind === 'both') {
          flag = deriveFlag({ value: text, low, high });
          want = expected(value, low, high);
        } else if (kind === 'low') {
          flag = deriveFlag({ value: text, low });
          want = expected(value, low);
        } else if (kind === 'high') {
          flag = deriveFlag({ value: text, high });
          want = expected(value, undefined, high);
        } else if (kind === '-' || kind === '–') {
          flag = deriveFlag({ value: text, rangeText: `${limit(lowParts)} ${kind} ${limit(highParts)}` });
          want = expected(value, low, high);
        } else {
          const bound = kind.startsWith('<') || kind === '≤' ? highParts : lowParts;
          flag = deriveFlag({ value: text, rangeText: `${kind} ${limit(bound)}` });
          want =
            kind === '<'
              ? expected(value, undefined, high, false, true)
              : kind === '>'
                ? expected(value, low, undefined, true)
                : kind === '<=' || kind === '≤'
                  ? expected(value, undefined, high)
                  : expected(value, low);
        }
        expect(flag, `${text} against ${kind} (${low}, ${high})`).toBe(want);
      },
    );
    assertProperty(property, runs(2_000, 50_000));
  });

  it('gives no automatic flag to a value that is not a number, nor against a range that does not parse', () => {
    const nonNumber = fc.string({ maxLength: 12 }).filter((text) => {
      const parsed = parseDecimal(text);
      return parsed === undefined || Number.isNaN(parsed);
    });
    const badRange = fc.constantFrom('negative', '5', '< ', '1 -', 'abc', '<< 5', '1,234.5 - 2', '5 - 1');
    const property = fc.property(nonNumber, decimal, badRange, (value, limit, rangeText) => {
      expect(deriveFlag({ value, low: 0, high: numberOf(limit) })).toBeUndefined();
      expect(deriveFlag({ value: written(limit, 'en'), rangeText })).toBeUndefined();
      expect(deriveFlag({ value: written(limit, 'fr') })).toBeUndefined();
      expect(resolveFlag({ value, low: 0, high: numberOf(limit) })).toEqual({});
    });
    assertProperty(property, runs(1_000, 20_000));
  });

  it('always keeps a flag a person set, whatever the value and range become', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      decimal.map((d) => written(d, 'fr')),
    );
    const range = fc.record({
      low: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
    });
    const property = fc.property(
      fc.constantFrom(...OBSERVATION_FLAGS),
      fc.array(value, { minLength: 1, maxLength: 4 }),
      range,
      fc.integer({ min: 1, max: 1_000 }),
      (flag, values, { low }, seed) => {
        const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(seed), author: 1 });
        const record = sut.create({
          category: 'lab-result',
          title: 'Result',
          date: '2026-03-05',
          observations: [{ name: 'Test', value: values[0] ?? '', flag, ...(low === undefined ? {} : { low }) }],
        });
        const observationId = record.observations[0]?.id ?? '';
        for (const next of values) {
          const stored = sut.updateObservation(record.id, observationId, { value: next });
          expect([stored.flag, stored.flagSource]).toEqual([flag, 'manual']);
        }
      },
    );
    assertProperty(property, runs(100, 2_000));
  });
});
