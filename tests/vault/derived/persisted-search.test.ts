import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openPersistedSearch, type PersistedSearch } from '#vault/derived/persisted-search';
import {
  buildGeneration,
  decodeRecordTable,
  decodeSearchDelta,
  decodeSearchHeader,
  decodeTermPage,
  encodeSearchDelta,
  type SearchDelta,
} from '#vault/derived/search-format';
import { queryTokens, searchTerms } from '#vault/derived/search-terms';
import { isVaultError } from '#vault/records/vault-error';
import { baseSeed, seededRandom } from '#tests/helpers/seeded-random';

/** A 32-byte hash for the header's bindings (the vault passes BLAKE2b). */
const h32 = (raw: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(raw).digest());
const RUNS = process.env.CARNET_LONG === '1' ? 200 : 20;
const BASE_SEED = baseSeed();

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const idOf = (rand: Rand): string => Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');

// Shared prefixes, accents and ligatures, decimals written both ways, astral letters, non-NFC folds (Hangul).
const SYLLABLES = [
  'ab',
  'abc',
  'écho',
  'echo',
  'gra',
  'gas',
  'Œdème',
  'straße',
  'hémo',
  'glo',
  'bine',
  '한국',
  '𝒜',
  'x',
];
const NUMBERS = ['5,4', '5.4', '12', '120', '0,5', '7.25'];

function word(rand: Rand): string {
  const r = rand();
  if (r < 0.15) return pick(rand, NUMBERS);
  if (r < 0.22) {
    // Over 64 units, sometimes with a surrogate pair straddling the cut.
    const head = 'l'.repeat(60 + Math.floor(rand() * 6));
    return `${head}${pick(rand, ['𝒜', 'é', 'a'])}${'tail'.repeat(1 + Math.floor(rand() * 3))}`;
  }
  let out = '';
  const parts = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < parts; i++) out += pick(rand, SYLLABLES);
  return rand() < 0.2 ? out.toUpperCase() : out;
}
const sentence = (rand: Rand, words: number): string => Array.from({ length: words }, () => word(rand)).join(' ');
const texts = (rand: Rand): string[] =>
  rand() < 0.1 ? [] : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => sentence(rand, Math.floor(rand() * 6)));

function randomQuery(rand: Rand, corpus: readonly string[][]): string {
  const r = rand();
  if (r < 0.05) return pick(rand, ['', ' - ', '…']);
  if (r < 0.15) return sentence(rand, 1 + Math.floor(rand() * 2));
  const tokens = pick(rand, corpus)
    .flatMap((t) => t.split(' '))
    .filter((t) => t.length > 0);
  if (tokens.length === 0) return word(rand);
  return Array.from({ length: 1 + Math.floor(rand() * 2) }, () => {
    const token = pick(rand, tokens);
    return token.slice(0, 1 + Math.floor(rand() * token.length));
  }).join(' ');
}

/** Encodes and decodes every row, as the store would hand them back. */
function openFromRows(
  table: ReadonlyMap<string, { src: number; terms: readonly string[] }>,
  deltas: ReadonlyMap<string, SearchDelta>,
  cut: Parameters<typeof buildGeneration>[4] = {},
): PersistedSearch {
  const generation = buildGeneration(table, 3, 1_000, h32, cut);
  const header = decodeSearchHeader(generation.header);
  const tables = generation.tables.map(decodeRecordTable);
  const recordCount = tables.reduce((sum, rows) => sum + rows.length, 0);
  const pages = generation.pages.map((page) => decodeTermPage(page, recordCount));
  const decodedDeltas = new Map([...deltas].map(([id, delta]) => [id, decodeSearchDelta(encodeSearchDelta(delta))]));
  return openPersistedSearch({ header, tables, pages, deltas: decodedDeltas });
}

describe('persisted search', () => {
  it('equals a brute force over searchTerms for random prefix queries, with deltas and records left out (seeded)', () => {
    for (let run = 0; run < RUNS; run++) {
      const seed = BASE_SEED + run;
      const rand = seededRandom(seed);
      try {
        const records = new Map<string, string[]>();
        const count = 20 + Math.floor(rand() * 300);
        for (let i = 0; i < count; i++) records.set(idOf(rand), texts(rand));
        const ids = [...records.keys()];
        // The table holds an older version of some records (their delta overrides it) and not yet the newest ones.
        const table = new Map<string, { src: number; terms: string[] }>();
        const deltas = new Map<string, SearchDelta>();
        const live = new Map<string, string[]>();
        for (const [id, recordTexts] of records) {
          const r = rand();
          if (r < 0.7) table.set(id, { src: 10, terms: searchTerms(recordTexts) });
          else if (r < 0.85) table.set(id, { src: 5, terms: searchTerms(texts(rand)) });
          if (r >= 0.7) {
            const terms = searchTerms(recordTexts);
            deltas.set(id, { src: 20, terms: terms.length === 0 ? undefined : terms });
          }
          live.set(id, recordTexts);
        }
        const excluded = new Set(ids.filter(() => rand() < 0.15));
        const among = (id: string): boolean => !excluded.has(id);
        // Small pages and rows, so that prefixes run across page and row boundaries.
        const cut = { pageBytes: 16 + Math.floor(rand() * 2_000), tableRowRecords: 1 + Math.floor(rand() * 100) };
        const search = openFromRows(table, deltas, cut);

        expect(search.indexedIds()).toEqual(new Set(ids));
        for (const id of ids) {
          expect(search.srcOf(id)).toBe(deltas.get(id)?.src ?? table.get(id)?.src);
          expect(search.termsOf(id)).toEqual(searchTerms(live.get(id) ?? []));
        }
        expect(search.srcOf('0'.repeat(32))).toBe(ids.includes('0'.repeat(32)) ? 10 : undefined);
        const merged = search.records();
        expect(new Map([...merged].map(([id, r]) => [id, r.terms]))).toEqual(
          new Map(ids.map((id) => [id, searchTerms(live.get(id) ?? [])])),
        );

        const corpus = [...live.values()];
        for (let q = 0; q < 60; q++) {
          const query = randomQuery(rand, corpus);
          const tokens = queryTokens(query);
          const expected =
            tokens.length === 0
              ? undefined
              : new Set(
                  ids.filter((id) => {
                    const terms = searchTerms(live.get(id) ?? []);
                    return among(id) && tokens.every((token) => terms.some((term) => term.startsWith(token)));
                  }),
                );
          expect(search.query(query, among), `query ${JSON.stringify(query)}`).toEqual(expected);
        }
      } catch (error) {
        console.error(`persisted search failed with seed ${seed} (CARNET_SEED=${seed} replays it)`);
        throw error;
      }
    }
  });

  it('finds a word over 64 units by its full text and by any prefix longer than 64 units', () => {
    const long = 'hémoglobine'.repeat(10);
    const search = openFromRows(new Map([['a'.repeat(32), { src: 1, terms: searchTerms([long]) }]]), new Map());
    expect(search.query(long, () => true)).toEqual(new Set(['a'.repeat(32)]));
    expect(search.query(long.slice(0, 80).toUpperCase(), () => true)).toEqual(new Set(['a'.repeat(32)]));
    expect(search.query(`${long}x`, () => true)).toEqual(new Set(['a'.repeat(32)]));
    expect(search.query('hemoglobinex', () => true)).toEqual(new Set());
  });

  it('refuses parts that do not agree with the header (invalid_doc)', () => {
    const generation = buildGeneration(
      new Map([
        ['a'.repeat(32), { src: 1, terms: ['alpha'] }],
        ['b'.repeat(32), { src: 1, terms: ['beta'] }],
      ]),
      1,
      0,
      h32,
    );
    const header = decodeSearchHeader(generation.header);
    const tables = generation.tables.map(decodeRecordTable);
    const pages = generation.pages.map((page) => decodeTermPage(page, 2));
    const open = (parts: Partial<Parameters<typeof openPersistedSearch>[0]>) => () =>
      openPersistedSearch({ header, tables, pages, deltas: new Map(), ...parts });
    expect(open({})().query('al', () => true)).toEqual(new Set(['a'.repeat(32)]));
    const refused = (parts: Partial<Parameters<typeof openPersistedSearch>[0]>): boolean => {
      try {
        open(parts)();
      } catch (error) {
        return isVaultError(error, 'invalid_doc');
      }
      return false;
    };
    expect(refused({ tables: [] })).toBe(true);
    expect(refused({ pages: [] })).toBe(true);
    expect(refused({ header: { ...header, firstTerms: ['beta'] } })).toBe(true);
    expect(
      refused({
        tables: [
          [
            { id: 'b'.repeat(32), src: 1 },
            { id: 'a'.repeat(32), src: 1 },
          ],
        ],
      }),
    ).toBe(true);
    expect(refused({ tables: [[{ id: 'a'.repeat(32), src: 1 }]] })).toBe(true);
  });

  it('prints its size per record for 2,000 random records', () => {
    const rand = seededRandom(BASE_SEED);
    const table = new Map<string, { src: number; terms: string[] }>();
    for (let i = 0; i < 2_000; i++) {
      table.set(idOf(rand), { src: 100_000 + i, terms: searchTerms([sentence(rand, 4), sentence(rand, 25)]) });
    }
    const started = performance.now();
    const generation = buildGeneration(table, 1, 0, h32);
    const built = performance.now();
    const rows = [generation.header, ...generation.tables, ...generation.pages];
    const raw = rows.reduce((sum, row) => sum + row.length, 0);
    const deflated = rows.reduce((sum, row) => sum + deflateRawSync(row).length, 0);
    const opened = performance.now();
    const tables = generation.tables.map(decodeRecordTable);
    const pages = generation.pages.map((page) => decodeTermPage(page, table.size));
    const search = openPersistedSearch({
      header: decodeSearchHeader(generation.header),
      tables,
      pages,
      deltas: new Map(),
    });
    const result = search.query('hemo', () => true);
    const answered = performance.now();
    console.log(
      `persisted search, 2,000 records: ${generation.tables.length} table rows, ${generation.pages.length} pages; ` +
        `${(raw / 2_000).toFixed(1)} B/record raw, ${(deflated / 2_000).toFixed(1)} B/record deflated; ` +
        `build ${(built - started).toFixed(0)} ms, decode + first query ${(answered - opened).toFixed(0)} ms`,
    );
    expect(raw).toBeGreaterThan(0);
    expect(result?.size).toBeGreaterThan(0);
  });
});
