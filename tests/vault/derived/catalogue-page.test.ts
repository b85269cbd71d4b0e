import * as v from 'valibot';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concat, list, varint } from '#crypto/bytes';
import {
  compareOverview,
  isCalendarDate,
  decodeCataloguePage,
  encodeCataloguePage,
  type CataloguePage,
} from '#vault/derived/catalogue-page';
import { IndexEntry, IsoDate } from '#vault/records/record-schema';
import { isVaultError } from '#vault/records/vault-error';
import { baseSeed, seededRandom } from '#tests/helpers/seeded-random';

const RUNS = process.env.CARNET_LONG === '1' ? 200 : 20;
const BASE_SEED = baseSeed();

const id = (n: number): string => n.toString(16).padStart(32, '0');
const entry = (n: number, date: string, changedAt: number, extra: Partial<IndexEntry> = {}): IndexEntry => ({
  id: id(n),
  category: 'lab-result',
  title: `Bilan ${n}`,
  date,
  level: 'normal',
  author: 'Dr Émile Durand',
  organisation: 'Laboratoire Cerballiance',
  created: { by: 1, at: 1_700_000_000 },
  changed: { by: 2, at: changedAt },
  ...extra,
});

const PAGE: CataloguePage = {
  src: 2 ** 40 + 7,
  entries: [
    entry(5, '2025-03-01', 100, { abnormal: 0, files: 3, category: 'other', level: 'secret' }),
    entry(3, '2025-03-01', 50, { title: '', author: '', organisation: '' }),
    entry(1, '2024-12-31', 900, { abnormal: 65_535, title: 'Échographie 한국 𝒜 naïve' }),
    entry(2, '2024-12-31', 900, { category: 'vaccination', level: 'restricted', files: 0 }),
    entry(4, '1900-01-01', 0, { title: 'x'.repeat(512) }),
  ],
  unlisted: [id(7), id(9)],
  tombstones: [
    { id: id(6), by: 0, at: 0 },
    { id: id(9), by: 0xffff_ffff, at: Number.MAX_SAFE_INTEGER },
  ],
};

/** Hand-made page bytes, to write what the encoder never would. */
function rawEntry(n: number, fields: { category?: number; level?: number; date?: string; author?: number } = {}) {
  const text = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    return concat(varint(bytes.length), bytes);
  };
  return concat(
    Uint8Array.from(Buffer.from(id(n), 'hex')),
    Uint8Array.of(fields.category ?? 1, fields.level ?? 0),
    text(fields.date ?? '2025-01-01'),
    text('t'),
    varint(fields.author ?? 0),
    varint(0),
    varint(1),
    varint(2),
    varint(3),
    varint(4),
    varint(0),
    varint(0),
  );
}
function rawPage(parts: {
  names?: string[];
  entries?: Uint8Array[];
  unlisted?: number[];
  tombstones?: number[];
}): Uint8Array {
  const text = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    return concat(varint(bytes.length), bytes);
  };
  return concat(
    varint(1),
    list((parts.names ?? ['a']).map(text)),
    list(parts.entries ?? []),
    list((parts.unlisted ?? []).map((n) => Uint8Array.from(Buffer.from(id(n), 'hex')))),
    list((parts.tombstones ?? []).map((n) => concat(Uint8Array.from(Buffer.from(id(n), 'hex')), varint(0), varint(0)))),
  );
}

function refusal(bytes: Uint8Array): string {
  try {
    decodeCataloguePage(bytes);
  } catch (error) {
    return isVaultError(error, 'invalid_doc') ? 'invalid_doc' : String(error);
  }
  return 'accepted';
}

describe('catalogue page', () => {
  it('round-trips a page, entries newest first, and every decoded entry passes the IndexEntry schema', () => {
    const decoded = decodeCataloguePage(encodeCataloguePage(PAGE));
    expect(decoded).toEqual(PAGE);
    for (const e of decoded.entries) expect(v.parse(IndexEntry, e)).toEqual(e);
    expect('abnormal' in (decoded.entries[1] ?? {})).toBe(false);
  });

  it('sorts entries, unlisted keys and tombstones whatever order they are given in', () => {
    const shuffled: CataloguePage = {
      ...PAGE,
      entries: [...PAGE.entries].reverse(),
      unlisted: [...PAGE.unlisted].reverse(),
      tombstones: [...PAGE.tombstones].reverse(),
    };
    expect(decodeCataloguePage(encodeCataloguePage(shuffled))).toEqual(PAGE);
    expect([...PAGE.entries].sort(compareOverview)).toEqual(PAGE.entries);
  });

  it('round-trips an empty page', () => {
    const empty: CataloguePage = { src: 0, entries: [], unlisted: [], tombstones: [] };
    expect(decodeCataloguePage(encodeCataloguePage(empty))).toEqual(empty);
  });

  it('refuses every truncation of a page with invalid_doc', () => {
    const bytes = encodeCataloguePage(PAGE);
    const results = new Set<string>();
    for (let cut = 0; cut < bytes.length; cut++) results.add(refusal(bytes.subarray(0, cut)));
    expect([...results]).toEqual(['invalid_doc']);
  });

  it('refuses trailing bytes', () => {
    expect(refusal(concat(encodeCataloguePage(PAGE), Uint8Array.of(0)))).toBe('invalid_doc');
  });

  it('accepts the hand-made baseline the refusals below alter', () => {
    expect(
      decodeCataloguePage(rawPage({ entries: [rawEntry(2), rawEntry(3)], unlisted: [4], tombstones: [5] })),
    ).toMatchObject({ entries: [{ id: id(2) }, { id: id(3) }], unlisted: [id(4)], tombstones: [{ id: id(5) }] });
  });

  it.each([
    ['entries out of order', rawPage({ entries: [rawEntry(3), rawEntry(2)] })],
    ['an entry twice', rawPage({ entries: [rawEntry(2), rawEntry(2)] })],
    [
      'one id in two entries of different dates',
      rawPage({ entries: [rawEntry(2), rawEntry(2, { date: '2024-01-01' })] }),
    ],
    ['names unsorted', rawPage({ names: ['b', 'a'], entries: [rawEntry(1), rawEntry(2, { author: 1 })] })],
    ['a name twice', rawPage({ names: ['a', 'a'], entries: [rawEntry(1), rawEntry(2, { author: 1 })] })],
    ['a name no entry uses', rawPage({ names: ['a', 'b'], entries: [rawEntry(1)] })],
    ['a name index out of range', rawPage({ entries: [rawEntry(1, { author: 1 })] })],
    ['category 0', rawPage({ entries: [rawEntry(1, { category: 0 })] })],
    ['category 10', rawPage({ entries: [rawEntry(1, { category: 10 })] })],
    ['level 3', rawPage({ entries: [rawEntry(1, { level: 3 })] })],
    ['a date that does not exist', rawPage({ entries: [rawEntry(1, { date: '2024-02-30' })] })],
    ['a date of another form', rawPage({ entries: [rawEntry(1, { date: '1/2/2024' })] })],
    ['unlisted keys unsorted', rawPage({ unlisted: [3, 2] })],
    ['an unlisted key twice', rawPage({ unlisted: [2, 2] })],
    ['an unlisted key with an entry', rawPage({ entries: [rawEntry(2)], unlisted: [2] })],
    ['tombstones unsorted', rawPage({ tombstones: [3, 2] })],
    ['a tombstone twice', rawPage({ tombstones: [2, 2] })],
    ['an entry with a tombstone', rawPage({ entries: [rawEntry(2)], tombstones: [2] })],
    ['a claimed count of a million entries', concat(varint(1), list([]), varint(1_000_000), rawEntry(1))],
    ['a claimed count over the limit', concat(varint(1), list([]), varint(70_000), new Uint8Array(70_000 * 40))],
  ])('refuses %s with invalid_doc', (_name, bytes) => {
    expect(refusal(bytes)).toBe('invalid_doc');
  });

  it('refuses to encode what it would refuse to decode', () => {
    expect(() => encodeCataloguePage({ ...PAGE, tombstones: [{ id: id(5), by: 0, at: 0 }] })).toThrow(/tombstone/);
    expect(() => encodeCataloguePage({ ...PAGE, entries: [entry(1, '2024-02-30', 0)] })).toThrow(/calendar/);
    expect(() =>
      encodeCataloguePage({ ...PAGE, entries: [entry(1, '2024-01-01', 0, { title: 'é'.repeat(257) })] }),
    ).toThrow(/byte limit/);
    expect(() => encodeCataloguePage({ ...PAGE, unlisted: [id(5)] })).toThrow(/unlisted/);
  });

  it('prints its size per entry for a full shard of 1,024 random entries', () => {
    const rand = seededRandom(BASE_SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const authors = Array.from({ length: 40 }, (_, i) => `Dr ${pick(['Émile', 'Anne', 'Jean'])} Durand-${i}`);
    const organisations = Array.from({ length: 10 }, (_, i) => `Laboratoire ${i}`);
    const day = (n: number) => new Date(Date.UTC(2005, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const entries = Array.from({ length: 1_024 }, () => ({
      ...entry(0, day(Math.floor(rand() * 7_000)), 1_700_000_000 + Math.floor(rand() * 30_000_000), {
        category: pick(['lab-result', 'medical-report', 'prescription', 'vaccination', 'other'] as const),
        title: `${pick(['Bilan sanguin', 'Radiographie du genou', 'Ordonnance', 'Compte rendu'])} ${Math.floor(rand() * 100)}`,
        author: pick(authors),
        organisation: pick(organisations),
        abnormal: Math.floor(rand() * 3),
        files: Math.floor(rand() * 2),
      }),
      id: Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join(''),
    }));
    const bytes = encodeCataloguePage({ src: 123_456, entries, unlisted: [], tombstones: [] });
    const started = performance.now();
    const decoded = decodeCataloguePage(bytes);
    const elapsed = performance.now() - started;
    console.log(
      `catalogue page, 1,024 entries: ${(bytes.length / 1_024).toFixed(1)} B/entry raw, ` +
        `${(deflateRawSync(bytes).length / 1_024).toFixed(1)} B/entry deflated; decode ${elapsed.toFixed(1)} ms`,
    );
    expect(decoded.entries).toHaveLength(1_024);
  });

  it('decodes altered pages to invalid_doc or to entries the IndexEntry schema accepts unchanged (seeded)', () => {
    const valid = encodeCataloguePage(PAGE);
    const outcomes = new Set<string>();
    for (let run = 0; run < RUNS; run++) {
      const seed = BASE_SEED + run;
      const rand = seededRandom(seed);
      try {
        for (let i = 0; i < 100; i++) {
          const bytes = Array.from(valid);
          const edits = 1 + Math.floor(rand() * 3);
          for (let e = 0; e < edits; e++) {
            const at = Math.floor(rand() * bytes.length);
            const r = rand();
            if (r < 0.6) bytes[at] = Math.floor(rand() * 256);
            else if (r < 0.8) bytes.splice(at, 1);
            else bytes.splice(at, 0, Math.floor(rand() * 256));
          }
          let page: CataloguePage | undefined;
          try {
            page = decodeCataloguePage(Uint8Array.from(bytes));
          } catch (error) {
            expect(isVaultError(error, 'invalid_doc'), String(error)).toBe(true);
            outcomes.add('refused');
          }
          if (page !== undefined) {
            outcomes.add('decoded');
            for (const entry of page.entries) expect(v.parse(IndexEntry, entry)).toEqual(entry);
          }
        }
      } catch (error) {
        console.error(`catalogue page alteration failed with seed ${seed} (CARNET_SEED=${seed} replays it)`);
        throw error;
      }
    }
    expect([...outcomes].sort()).toEqual(['decoded', 'refused']);
  });

  it('accepts exactly the dates the IndexEntry schema accepts', () => {
    const disagreements: string[] = [];
    for (const year of ['0000', '0004', '1900', '1999', '2000', '2023', '2024', '2100', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (isCalendarDate(date) !== v.is(IsoDate, date)) disagreements.push(date);
        }
      }
    }
    for (const date of ['2024-1-01', '2024-01-1', ' 2024-01-01', '2024-01-01 ', '２０２４-01-01', '2024/01/01', '']) {
      if (isCalendarDate(date) !== v.is(IsoDate, date)) disagreements.push(date);
    }
    expect(disagreements).toEqual([]);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
  });
});
