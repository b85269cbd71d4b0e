import { concat, list, U53_MAX, varint, type ByteReader } from '#crypto/bytes';
import { VaultError } from '../records/vault-error.ts';
import {
  checkTerms,
  decodeStrictly,
  ID_BYTES,
  idToBytes,
  invalid,
  readCount,
  readId,
  readTerm,
  readText,
  TERM_MAX_UNITS,
  textBytes,
} from './derived-bytes.ts';

/**
 * The rows of the persisted search index (docs/design/index-at-scale.md §4.2), as raw bytes the caller seals
 * (derived rows, §5). Terms are compared in UTF-16 order (JavaScript `<`), the order prefix lookup relies on.
 *
 * ```
 * 'h'             u8 format (1) ‖ varint gen ‖ varint W ‖ list<bytes(32) table> ‖
 *                 list<(vbytes first_term ‖ bytes(32) page)>   (H of each table row's and term page's raw value)
 * 't<gen>:<n>'    list<(id (16) ‖ varint src)>: ids ascending, across rows too; 1–4,096 per row
 * 'p<gen>:<n>'    list<(varint shared ‖ vbytes suffix ‖ list<varint gap>)>: terms ascending, front-coded
 *                 against the previous term of the page (shared in UTF-16 units, never splitting a surrogate
 *                 pair, always the longest such prefix); postings = ordinals ascending, the first as is, then
 *                 gaps ≥ 1
 * 'd<id hex>'     varint src ‖ u8 present ‖ [list<vbytes term>, ascending, non-empty]   (present 0 = no text)
 * ```
 * Terms are raw UTF-8 (not vstr: tokens are not NFC), 1–64 UTF-16 units. The header binds each table row and
 * page by the hash of its raw value (the caller's 32-byte BLAKE2b, passed in so this folder needs no libsodium):
 * AEAD binds a row to its key, not to its generation, so a page of an earlier index could otherwise be put back.
 */

export const SEARCH_FORMAT = 1;
export const TABLE_ROW_RECORDS = 4_096;
/** Raw size a term page is cut at. One term whose postings alone exceed it gets a page of its own, larger. */
export const TERM_PAGE_BYTES = 64 * 1024;
/** Bounds for reading claimed counts: far above real indexes (100,000 records), far below harm. */
const MAX_TABLE_ROWS = 65_536;
const MAX_PAGES = 1 << 20;
const MAX_RECORD_TERMS = 1 << 21;

export interface SearchHeader {
  format: typeof SEARCH_FORMAT;
  gen: number;
  /** Watermark: every envelope row with id ≤ w belongs to a record whose entry has src ≥ that id. */
  w: number;
  /** H(raw) of each record table row, in row order: the table has as many rows. */
  tableHashes: Uint8Array[];
  /** The first term of each term page, in page order. */
  firstTerms: string[];
  /** H(raw) of each term page, in page order (as many as firstTerms). */
  pageHashes: Uint8Array[];
}

export const HASH_BYTES = 32;
/** Hashes a row's raw value to 32 bytes (crypto's `hash`). */
export type RowHash = (raw: Uint8Array) => Uint8Array;

export interface RecordTableRow {
  id: string;
  /** The highest row id of the record among the rows its terms were computed from. */
  src: number;
}

export interface DecodedTermPage {
  terms: string[];
  /** Per term, the ordinals (positions across the record table) of the records holding it, ascending. */
  postings: Uint32Array[];
}

export interface SearchDelta {
  src: number;
  /** Sorted unique terms; undefined when the record has no text (an empty list is encoded the same way). */
  terms: string[] | undefined;
}

export const headerKey = 'h';
export const tableKey = (gen: number, n: number): string => `t${gen}:${n}`;
export const pageKey = (gen: number, n: number): string => `p${gen}:${n}`;
export const deltaKey = (idHex: string): string => `d${idHex}`;

export function encodeSearchHeader(header: SearchHeader): Uint8Array {
  checkTerms(header.firstTerms);
  const { tableHashes, pageHashes, firstTerms } = header;
  if (tableHashes.length > MAX_TABLE_ROWS || firstTerms.length !== pageHashes.length) {
    throw new VaultError('internal', 'header lists do not agree');
  }
  if ([...tableHashes, ...pageHashes].some((h) => h.length !== HASH_BYTES))
    throw new VaultError('internal', 'hash size');
  return concat(
    Uint8Array.of(header.format),
    varint(header.gen),
    varint(header.w, U53_MAX),
    list(tableHashes),
    list(firstTerms.map((term, i) => concat(textBytes(term), pageHashes[i] ?? new Uint8Array()))),
  );
}

/** A header of another format is refused like a damaged one: either way the index is rebuilt. */
export function decodeSearchHeader(bytes: Uint8Array): SearchHeader {
  const what = 'search header';
  return decodeStrictly(what, bytes, (reader) => {
    if (reader.u8() !== SEARCH_FORMAT) throw invalid(what, 'an unknown format');
    const gen = reader.varint();
    const w = reader.varint(U53_MAX);
    const tableHashes: Uint8Array[] = [];
    const tableCount = readCount(reader, what, MAX_TABLE_ROWS, HASH_BYTES);
    for (let i = 0; i < tableCount; i++) tableHashes.push(reader.bytes(HASH_BYTES));
    const firstTerms: string[] = [];
    const pageHashes: Uint8Array[] = [];
    // vbytes length, one term byte, the hash.
    const pageCount = readCount(reader, what, MAX_PAGES, 2 + HASH_BYTES);
    for (let i = 0; i < pageCount; i++) {
      const term = readTerm(reader, what);
      const previous = firstTerms[firstTerms.length - 1];
      if (previous !== undefined && !(previous < term)) throw invalid(what, 'first terms not sorted and unique');
      firstTerms.push(term);
      pageHashes.push(reader.bytes(HASH_BYTES));
    }
    return { format: SEARCH_FORMAT, gen, w, tableHashes, firstTerms, pageHashes };
  });
}

export function encodeRecordTable(rows: readonly RecordTableRow[]): Uint8Array {
  if (rows.length === 0 || rows.length > TABLE_ROW_RECORDS) throw new VaultError('internal', 'table row size');
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    if (previous !== undefined && !(previous.id < row.id)) throw new VaultError('internal', 'table ids unsorted');
  });
  return list(rows.map((row) => concat(idToBytes(row.id), varint(row.src, U53_MAX))));
}

export function decodeRecordTable(bytes: Uint8Array): RecordTableRow[] {
  const what = 'search record table';
  return decodeStrictly(what, bytes, (reader) => {
    const count = readCount(reader, what, TABLE_ROW_RECORDS, ID_BYTES + 1);
    if (count === 0) throw invalid(what, 'an empty row');
    const rows: RecordTableRow[] = [];
    for (let i = 0; i < count; i++) {
      const id = readId(reader);
      const previous = rows[rows.length - 1];
      if (previous !== undefined && !(previous.id < id)) throw invalid(what, 'ids not sorted and unique');
      rows.push({ id, src: reader.varint(U53_MAX) });
    }
    return rows;
  });
}

/** UTF-16 units `term` shares with `previous`, backed off so that a surrogate pair is never split. */
export function sharedPrefix(previous: string, term: string): number {
  const max = Math.min(previous.length, term.length);
  let shared = 0;
  while (shared < max && previous.charCodeAt(shared) === term.charCodeAt(shared)) shared += 1;
  const last = previous.charCodeAt(shared - 1);
  return shared > 0 && last >= 0xd800 && last <= 0xdbff ? shared - 1 : shared;
}

/** One term of a page: front-coded against `previous` (undefined at the start of a page). */
export function encodeTermEntry(previous: string | undefined, term: string, ordinals: ArrayLike<number>): Uint8Array {
  if (ordinals.length === 0) throw new VaultError('internal', 'a term without postings');
  const shared = previous === undefined ? 0 : sharedPrefix(previous, term);
  const gaps: Uint8Array[] = [];
  let last = -1;
  for (let i = 0; i < ordinals.length; i++) {
    const ordinal = ordinals[i] ?? 0;
    if (ordinal <= last) throw new VaultError('internal', 'postings not ascending');
    gaps.push(varint(last < 0 ? ordinal : ordinal - last));
    last = ordinal;
  }
  return concat(varint(shared), textBytes(term.slice(shared)), list(gaps));
}

export function encodeTermPage(page: { terms: readonly string[]; postings: readonly ArrayLike<number>[] }): Uint8Array {
  checkTerms(page.terms);
  if (page.terms.length === 0 || page.terms.length !== page.postings.length) {
    throw new VaultError('internal', 'a term page needs terms, each with its postings');
  }
  return list(page.terms.map((term, i) => encodeTermEntry(page.terms[i - 1], term, page.postings[i] ?? [])));
}

/** `recordCount`: records in the table; a posting must name one of them. */
export function decodeTermPage(bytes: Uint8Array, recordCount: number): DecodedTermPage {
  const what = 'search term page';
  return decodeStrictly(what, bytes, (reader) => {
    // shared, suffix length, at least one suffix byte, postings count, one posting.
    const count = readCount(reader, what, bytes.length, 5);
    if (count === 0) throw invalid(what, 'an empty page');
    const terms: string[] = [];
    const postings: Uint32Array[] = [];
    let previous = '';
    for (let i = 0; i < count; i++) {
      const shared = reader.varint(TERM_MAX_UNITS);
      if (shared > previous.length) throw invalid(what, 'a shared prefix longer than the previous term');
      const suffix = readText(reader, what, TERM_MAX_UNITS * 3);
      const term = previous.slice(0, shared) + suffix;
      if (term.length > TERM_MAX_UNITS) throw invalid(what, 'a term over 64 units');
      if (i > 0 && !(previous < term)) throw invalid(what, 'terms not sorted and unique');
      if (i === 0 ? term.length === 0 : sharedPrefix(previous, term) !== shared) {
        throw invalid(what, 'a term not front-coded canonically');
      }
      postings.push(readPostings(reader, what, recordCount));
      terms.push(term);
      previous = term;
    }
    return { terms, postings };
  });
}

function readPostings(reader: ByteReader, what: string, recordCount: number): Uint32Array {
  const count = readCount(reader, what, recordCount, 1);
  if (count === 0) throw invalid(what, 'a term without postings');
  const out = new Uint32Array(count);
  let ordinal = -1;
  for (let i = 0; i < count; i++) {
    const gap = reader.varint();
    if (i > 0 && gap === 0) throw invalid(what, 'a posting twice');
    ordinal = i === 0 ? gap : ordinal + gap;
    if (ordinal >= recordCount) throw invalid(what, 'a posting past the record table');
    out[i] = ordinal;
  }
  return out;
}

export function encodeSearchDelta(delta: SearchDelta): Uint8Array {
  const terms = delta.terms ?? [];
  checkTerms(terms);
  if (terms.length === 0) return concat(varint(delta.src, U53_MAX), Uint8Array.of(0));
  return concat(varint(delta.src, U53_MAX), Uint8Array.of(1), list(terms.map((term) => textBytes(term))));
}

export function decodeSearchDelta(bytes: Uint8Array): SearchDelta {
  const what = 'search delta';
  return decodeStrictly(what, bytes, (reader) => {
    const src = reader.varint(U53_MAX);
    const present = reader.u8();
    if (present === 0) return { src, terms: undefined };
    if (present !== 1) throw invalid(what, 'a presence byte other than 0 or 1');
    const terms = readAscendingTerms(reader, what, MAX_RECORD_TERMS);
    if (terms.length === 0) throw invalid(what, 'present with no term');
    return { src, terms };
  });
}

function readAscendingTerms(reader: ByteReader, what: string, max: number): string[] {
  const count = readCount(reader, what, max, 2);
  const terms: string[] = [];
  for (let i = 0; i < count; i++) {
    const term = readTerm(reader, what);
    const previous = terms[terms.length - 1];
    if (previous !== undefined && !(previous < term)) throw invalid(what, 'terms not sorted and unique');
    terms.push(term);
  }
  return terms;
}

/**
 * Generation `gen` of the index over `records` (id -> its src and its `searchTerms`), every record in the
 * table, those without terms too (they are indexed, not stale). Table rows hold 4,096 records; term pages are
 * cut before a term that would take them over 64 KiB raw, and a term too large for a page on its own gets one
 * alone (postings are never split across pages, so a term lives in exactly one page; at 100,000 records a term
 * in every record takes ~100 KB, well under the 4 MiB of a derived row). `cut` lowers both sizes, for tests
 * that need many pages and rows from few records.
 */
export function buildGeneration(
  records: ReadonlyMap<string, { src: number; terms: readonly string[] }>,
  gen: number,
  w: number,
  hash: RowHash,
  cut: { pageBytes?: number; tableRowRecords?: number } = {},
): { header: Uint8Array; tables: Uint8Array[]; pages: Uint8Array[] } {
  const pageBytes = Math.min(cut.pageBytes ?? TERM_PAGE_BYTES, TERM_PAGE_BYTES);
  const rowRecords = Math.max(1, Math.min(cut.tableRowRecords ?? TABLE_ROW_RECORDS, TABLE_ROW_RECORDS));
  const ids = [...records.keys()].sort();
  const tables: Uint8Array[] = [];
  const holders = new Map<string, number[]>();
  ids.forEach((id, ordinal) => {
    const record = records.get(id);
    if (record === undefined) return;
    checkTerms(record.terms);
    for (const term of record.terms) {
      const found = holders.get(term);
      if (found === undefined) holders.set(term, [ordinal]);
      else found.push(ordinal);
    }
  });
  for (let at = 0; at < ids.length; at += rowRecords) {
    const slice = ids.slice(at, at + rowRecords);
    tables.push(encodeRecordTable(slice.map((id) => ({ id, src: records.get(id)?.src ?? 0 }))));
  }
  const pages: Uint8Array[] = [];
  const firstTerms: string[] = [];
  let entries: Uint8Array[] = [];
  let size = 0;
  let previous: string | undefined;
  const close = (): void => {
    pages.push(concat(varint(entries.length), ...entries));
    entries = [];
    size = 0;
    previous = undefined;
  };
  for (const term of [...holders.keys()].sort()) {
    const ordinals = holders.get(term) ?? [];
    let entry = encodeTermEntry(previous, term, ordinals);
    if (entries.length > 0 && size + entry.length + varint(entries.length + 1).length > pageBytes) {
      close();
      entry = encodeTermEntry(undefined, term, ordinals);
    }
    if (entries.length === 0) firstTerms.push(term);
    entries.push(entry);
    size += entry.length;
    previous = term;
  }
  if (entries.length > 0) close();
  const header = encodeSearchHeader({
    format: SEARCH_FORMAT,
    gen,
    w,
    tableHashes: tables.map((row) => hash(row)),
    firstTerms,
    pageHashes: pages.map((page) => hash(page)),
  });
  return { header, tables, pages };
}
