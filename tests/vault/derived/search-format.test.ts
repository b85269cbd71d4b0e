import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat, list, varint } from '#crypto/bytes';
import {
  buildGeneration,
  decodeRecordTable,
  decodeSearchDelta,
  decodeSearchHeader,
  decodeTermPage,
  deltaKey,
  encodeRecordTable,
  encodeSearchDelta,
  encodeSearchHeader,
  encodeTermPage,
  headerKey,
  pageKey,
  tableKey,
  TERM_PAGE_BYTES,
  type SearchHeader,
} from '#vault/derived/search-format';
import { isVaultError } from '#vault/records/vault-error';

/** A 32-byte hash for the header's bindings (the vault passes BLAKE2b; any 32-byte hash serves the format). */
const h32 = (raw: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(raw).digest());
const id = (n: number): string => n.toString(16).padStart(32, '0');
const idBytes = (n: number): Uint8Array => Uint8Array.from(Buffer.from(id(n), 'hex'));
const text = (s: string): Uint8Array => {
  const bytes = new TextEncoder().encode(s);
  return concat(varint(bytes.length), bytes);
};
/** A term page entry written by hand: shared, suffix, then raw gap values. */
const rawTerm = (shared: number, suffix: string, gaps: number[]): Uint8Array =>
  concat(varint(shared), text(suffix), list(gaps.map((g) => varint(g))));

function refusal(decode: () => unknown): string {
  try {
    decode();
  } catch (error) {
    return isVaultError(error, 'invalid_doc') ? 'invalid_doc' : String(error);
  }
  return 'accepted';
}
function everyTruncation(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): string[] {
  const results = new Set<string>();
  for (let cut = 0; cut < bytes.length; cut++) results.add(refusal(() => decode(bytes.subarray(0, cut))));
  return [...results];
}

const HEADER: SearchHeader = {
  format: 1,
  gen: 7,
  w: 2 ** 45,
  tableHashes: [h32(Uint8Array.of(1)), h32(Uint8Array.of(2)), h32(Uint8Array.of(3))],
  firstTerms: ['5.4', 'echo', '한국'],
  pageHashes: [h32(Uint8Array.of(4)), h32(Uint8Array.of(5)), h32(Uint8Array.of(6))],
};
// Terms sharing prefixes, a shared high surrogate (𝒜 U+1D49C and 𝒝 U+1D49D), non-NFC jamo (한 folded to NFD).
const PAGE = {
  terms: ['ab', 'abc', 'abd', 'b', 'x𝒜a', 'x𝒝b', '한국'.normalize('NFD')],
  postings: [[0], [0, 1, 500], [2], [3, 4, 5, 6], [1_000], [7], [0, 1_000]],
};

describe('search rows', () => {
  it('have the keys of the design', () => {
    expect([headerKey, tableKey(3, 0), pageKey(3, 12), deltaKey(id(1))]).toEqual(['h', 't3:0', 'p3:12', `d${id(1)}`]);
  });

  it('round-trip a header, and refuse its truncations, trailing bytes, another format and unsorted first terms', () => {
    const bytes = encodeSearchHeader(HEADER);
    expect(decodeSearchHeader(bytes)).toEqual(HEADER);
    expect(everyTruncation(bytes, decodeSearchHeader)).toEqual(['invalid_doc']);
    expect(refusal(() => decodeSearchHeader(concat(bytes, Uint8Array.of(0))))).toBe('invalid_doc');
    expect(refusal(() => decodeSearchHeader(concat(Uint8Array.of(2), bytes.subarray(1))))).toBe('invalid_doc');
    const page = (term: string): Uint8Array => concat(text(term), h32(Uint8Array.of(0)));
    const unsorted = concat(Uint8Array.of(1, 7, 0, 0), list([page('b'), page('a')]));
    const twice = concat(Uint8Array.of(1, 7, 0, 0), list([page('a'), page('a')]));
    const sorted = concat(Uint8Array.of(1, 7, 0, 0), list([page('a'), page('b')]));
    expect(decodeSearchHeader(sorted).firstTerms).toEqual(['a', 'b']);
    expect(refusal(() => decodeSearchHeader(unsorted))).toBe('invalid_doc');
    expect(refusal(() => decodeSearchHeader(twice))).toBe('invalid_doc');
    expect(refusal(() => decodeSearchHeader(concat(Uint8Array.of(1, 7, 0), varint(1_000_000))))).toBe('invalid_doc');
    // A table hash one byte short: the count claims more than is left.
    expect(refusal(() => decodeSearchHeader(concat(Uint8Array.of(1, 7, 0, 1), new Uint8Array(31), varint(0))))).toBe(
      'invalid_doc',
    );
  });

  it('round-trip a record table, and refuse truncations, trailing bytes, unsorted, duplicate, empty and over-count rows', () => {
    const rows = [
      { id: id(1), src: 0 },
      { id: id(2), src: 2 ** 50 },
      { id: 'f'.repeat(32), src: 9 },
    ];
    const bytes = encodeRecordTable(rows);
    expect(decodeRecordTable(bytes)).toEqual(rows);
    expect(everyTruncation(bytes, decodeRecordTable)).toEqual(['invalid_doc']);
    expect(refusal(() => decodeRecordTable(concat(bytes, Uint8Array.of(0))))).toBe('invalid_doc');
    const row = (n: number) => concat(idBytes(n), varint(1));
    expect(refusal(() => decodeRecordTable(list([row(2), row(1)])))).toBe('invalid_doc');
    expect(refusal(() => decodeRecordTable(list([row(2), row(2)])))).toBe('invalid_doc');
    expect(refusal(() => decodeRecordTable(list([])))).toBe('invalid_doc');
    const many = Array.from({ length: 4_097 }, (_, n) => row(n));
    expect(refusal(() => decodeRecordTable(list(many)))).toBe('invalid_doc');
    expect(decodeRecordTable(list(many.slice(0, 4_096)))).toHaveLength(4_096);
    expect(refusal(() => decodeRecordTable(concat(varint(4_000), row(1))))).toBe('invalid_doc');
  });

  it('round-trip a term page, front-coded without splitting a surrogate pair', () => {
    const bytes = encodeTermPage(PAGE);
    const decoded = decodeTermPage(bytes, 1_001);
    expect(decoded.terms).toEqual(PAGE.terms);
    expect(decoded.postings.map((p) => [...p])).toEqual(PAGE.postings);
    // 'abc' after 'ab' stores only 'c'; 'x𝒝b' after 'x𝒜a' shares 'x' only, not the high surrogate.
    const start = concat(varint(7), rawTerm(0, 'ab', [0]), rawTerm(2, 'c', [0, 1, 499]));
    expect(bytes.subarray(0, start.length)).toEqual(start);
    expect(Buffer.from(bytes).includes(Buffer.from(rawTerm(1, '𝒝b', [7])))).toBe(true);
    expect(everyTruncation(bytes, (b) => decodeTermPage(b, 1_001))).toEqual(['invalid_doc']);
    expect(refusal(() => decodeTermPage(concat(bytes, Uint8Array.of(0)), 1_001))).toBe('invalid_doc');
  });

  it.each([
    ['terms unsorted', list([rawTerm(0, 'b', [0]), rawTerm(0, 'a', [0])])],
    ['a term twice', list([rawTerm(0, 'a', [0]), rawTerm(1, '', [1])])],
    ['a shared prefix shorter than it could be', list([rawTerm(0, 'ab', [0]), rawTerm(0, 'ac', [0])])],
    ['a shared prefix longer than the previous term', list([rawTerm(0, 'ab', [0]), rawTerm(3, 'c', [0])])],
    ['a shared prefix splitting a surrogate pair', list([rawTerm(0, 'x𝒜', [0]), rawTerm(2, 'b', [0])])],
    ['an empty first term', list([rawTerm(0, '', [0])])],
    ['a term over 64 units', list([rawTerm(0, 'a'.repeat(65), [0])])],
    ['a posting twice (gap 0)', list([rawTerm(0, 'a', [1, 0])])],
    ['postings past the record table', list([rawTerm(0, 'a', [9, 1])])],
    ['a term without postings', list([rawTerm(0, 'a', [])])],
    ['an empty page', list([])],
    ['invalid UTF-8', concat(varint(1), varint(0), varint(1), Uint8Array.of(0xff), list([varint(0)]))],
    ['a claimed count of a million terms', concat(varint(1_000_000), rawTerm(0, 'a', [0]))],
    ['a claimed count of a million postings', concat(varint(1), varint(0), text('a'), varint(1_000_000), varint(0))],
  ])('refuse a term page with %s (invalid_doc)', (_name, bytes) => {
    expect(refusal(() => decodeTermPage(bytes, 10))).toBe('invalid_doc');
  });

  it('round-trip deltas, absent text as present 0, and refuse truncations, trailing bytes and each bad form', () => {
    const delta = { src: 12_345, terms: ['5.4', 'abc', 'abd'] };
    const bytes = encodeSearchDelta(delta);
    expect(decodeSearchDelta(bytes)).toEqual(delta);
    expect(decodeSearchDelta(encodeSearchDelta({ src: 3, terms: undefined }))).toEqual({ src: 3, terms: undefined });
    expect(decodeSearchDelta(encodeSearchDelta({ src: 3, terms: [] }))).toEqual({ src: 3, terms: undefined });
    expect(everyTruncation(bytes, decodeSearchDelta)).toEqual(['invalid_doc']);
    expect(refusal(() => decodeSearchDelta(concat(bytes, Uint8Array.of(0))))).toBe('invalid_doc');
    const bad = (present: number, terms: string[]) =>
      refusal(() => decodeSearchDelta(concat(varint(1), Uint8Array.of(present), list(terms.map(text)))));
    expect(bad(1, ['b', 'a'])).toBe('invalid_doc');
    expect(bad(1, ['a', 'a'])).toBe('invalid_doc');
    expect(bad(1, [])).toBe('invalid_doc');
    expect(bad(2, ['a'])).toBe('invalid_doc');
    expect(bad(1, ['a'.repeat(65)])).toBe('invalid_doc');
    expect(bad(1, [''])).toBe('invalid_doc');
    expect(refusal(() => decodeSearchDelta(concat(varint(1), Uint8Array.of(1), varint(3_000_000))))).toBe(
      'invalid_doc',
    );
  });

  it('refuse to encode terms that are unsorted, duplicated or over 64 units', () => {
    expect(() => encodeSearchDelta({ src: 1, terms: ['b', 'a'] })).toThrow(/sorted/);
    expect(() => encodeSearchDelta({ src: 1, terms: ['a', 'a'] })).toThrow(/sorted/);
    expect(() => encodeSearchDelta({ src: 1, terms: ['a'.repeat(65)] })).toThrow(/64/);
  });
});

describe('buildGeneration', () => {
  it('cuts the record table at 4,096 records and keeps every record, those without terms too', () => {
    const records = new Map(Array.from({ length: 4_097 }, (_, n) => [id(n), { src: n, terms: n === 0 ? ['a'] : [] }]));
    const { header, tables, pages } = buildGeneration(records, 2, 99, h32);
    expect(decodeSearchHeader(header)).toEqual({
      format: 1,
      gen: 2,
      w: 99,
      tableHashes: tables.map(h32),
      firstTerms: ['a'],
      pageHashes: pages.map(h32),
    });
    expect(tables.map((t) => decodeRecordTable(t).length)).toEqual([4_096, 1]);
    expect(decodeRecordTable(tables[1] ?? new Uint8Array())).toEqual([{ id: id(4_096), src: 4_096 }]);
    expect(pages.map((p) => decodeTermPage(p, 4_097).terms)).toEqual([['a']]);
  });

  it('cuts term pages at 64 KiB raw, each page starting its front coding afresh', () => {
    const records = new Map(
      Array.from({ length: 300 }, (_, n) => [
        id(n),
        { src: n, terms: Array.from({ length: 40 }, (_, k) => `w${(n * 40 + k).toString(36).padStart(4, '0')}x`) },
      ]),
    );
    const { header, pages } = buildGeneration(records, 1, 0, h32);
    const { firstTerms } = decodeSearchHeader(header);
    expect(pages.length).toBeGreaterThan(1);
    expect(firstTerms).toHaveLength(pages.length);
    const all: string[] = [];
    pages.forEach((page, p) => {
      expect(page.length).toBeLessThanOrEqual(TERM_PAGE_BYTES);
      const decoded = decodeTermPage(page, 300);
      expect(decoded.terms[0]).toBe(firstTerms[p]);
      all.push(...decoded.terms);
    });
    expect(all).toEqual([...records.values()].flatMap((r) => r.terms).sort());
    // Filled: a page is closed only when the next term would not fit.
    expect(pages.slice(0, -1).every((page) => page.length > TERM_PAGE_BYTES - 200)).toBe(true);
  });

  it('gives a term whose postings exceed a page a page of its own', () => {
    const records = new Map(
      Array.from({ length: 70_000 }, (_, n) => [id(n), { src: 1, terms: n < 3 ? ['a', 'all', 'z'] : ['all'] }]),
    );
    const { header, pages } = buildGeneration(records, 1, 0, h32);
    expect(decodeSearchHeader(header).firstTerms).toEqual(['a', 'all', 'z']);
    expect(pages.map((p) => p.length > TERM_PAGE_BYTES)).toEqual([false, true, false]);
    expect(decodeTermPage(pages[1] ?? new Uint8Array(), 70_000).postings[0]).toHaveLength(70_000);
  });

  it('builds an empty generation from no records', () => {
    const { header, tables, pages } = buildGeneration(new Map(), 1, 5, h32);
    expect(decodeSearchHeader(header)).toEqual({
      format: 1,
      gen: 1,
      w: 5,
      tableHashes: [],
      firstTerms: [],
      pageHashes: [],
    });
    expect([tables, pages]).toEqual([[], []]);
  });
});
