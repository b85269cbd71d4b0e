import { equal } from '#crypto/bytes';
import { openPersistedSearch, type PersistedSearch } from './persisted-search.ts';
import {
  decodeRecordTable,
  decodeSearchDelta,
  decodeSearchHeader,
  decodeTermPage,
  headerKey,
  pageKey,
  SEARCH_FORMAT,
  tableKey,
  type DecodedTermPage,
  type RecordTableRow,
  type SearchDelta,
  type SearchHeader,
} from './search-format.ts';
import type { SearchStoreDeps } from './search-store-deps.ts';

/**
 * One consistent read of the persisted search index (PROTOCOL.md §18.7): header, record table, term pages,
 * deltas and the envelope rows above W, all in one readonly transaction so a merge of another tab is seen
 * whole or not at all. The table and pages are verified against the header's hashes; when the header names
 * the same rows as `previous` (a refresh after a W raise or new deltas) they are taken from it unread.
 */
export type LoadedSearch =
  | { kind: 'missing' }
  | { kind: 'damaged'; gen: number | undefined }
  | {
      kind: 'ok';
      /** The header's stored (sealed) bytes: a write that checks they are unchanged sees any other writer. */
      headerRow: Uint8Array;
      header: SearchHeader;
      tables: RecordTableRow[][];
      pages: DecodedTermPage[];
      deltas: Map<string, SearchDelta>;
      /** Sealed bytes of each delta read, by record id: a merge checks the ones it absorbs are unchanged. */
      deltaRows: Map<string, Uint8Array>;
      search: PersistedSearch;
      /** Envelope rows above W of records outside the index family, ascending by row id. */
      above: { id: number; recordId: string }[];
    };

type Ok = Extract<LoadedSearch, { kind: 'ok' }>;

const ID_HEX = /^[0-9a-f]{32}$/;

export async function loadSearch(deps: SearchStoreDeps, previous: LoadedSearch | undefined): Promise<LoadedSearch> {
  const { db } = deps;
  const reuse = previous?.kind === 'ok' ? previous : undefined;
  const read = await db.transaction('r', db.search, db.envelopes, async () => {
    const headerRow = (await db.search.get(headerKey))?.bytes;
    if (headerRow === undefined) return undefined;
    const deltaRows = await db.search.where('key').startsWith('d').toArray();
    const raw = openRow(deps, headerKey, headerRow);
    const header = raw === undefined ? undefined : decodeHeader(deps, raw);
    if (header === undefined) return { headerRow, header, deltaRows, parts: undefined, above: [] };
    const same = reuse !== undefined && sameRows(reuse.header, header);
    const keys = same
      ? []
      : [
          ...header.tableHashes.map((_, n) => tableKey(header.gen, n)),
          ...header.pageHashes.map((_, n) => pageKey(header.gen, n)),
        ];
    const parts = await db.search.bulkGet(keys);
    const above = await db.envelopes.where('id').above(header.w).toArray();
    return {
      headerRow,
      header,
      deltaRows,
      parts,
      above: above.map((row) => ({ id: row.id ?? 0, recordId: row.recordId })),
    };
  });
  if (read === undefined) return { kind: 'missing' };
  const { header } = read;
  if (header === undefined) return { kind: 'damaged', gen: undefined };
  const damaged = { kind: 'damaged', gen: header.gen } as const;
  let tables: RecordTableRow[][];
  let pages: DecodedTermPage[];
  if (reuse !== undefined && read.parts.length === 0 && sameRows(reuse.header, header)) {
    ({ tables, pages } = reuse);
  } else {
    const verified = verifyParts(deps, header, read.parts);
    if (verified === undefined) return damaged;
    ({ tables, pages } = verified);
  }
  const deltas = new Map<string, SearchDelta>();
  const deltaRows = new Map<string, Uint8Array>();
  for (const row of read.deltaRows) {
    const id = row.key.slice(1);
    const delta = ID_HEX.test(id) ? decodeRow(deps, row.key, row.bytes, decodeSearchDelta) : undefined;
    // A delta that cannot be used could hide a newer src than the table's: only a rebuild is safe.
    if (delta === undefined) return damaged;
    deltas.set(id, delta);
    deltaRows.set(id, row.bytes);
  }
  let search: PersistedSearch;
  try {
    search = openPersistedSearch({ header, tables, pages, deltas });
  } catch {
    deps.report({ code: 'tampered_row', table: 'search', key: headerKey });
    return damaged;
  }
  const above = read.above.filter((row) => !deps.isFamily(row.recordId)).sort((a, b) => a.id - b.id);
  return { kind: 'ok', headerRow: read.headerRow, header, tables, pages, deltas, deltaRows, search, above };
}

/** The ids whose search entry is older than one of their rows above W, or live with no entry (§18.7 stale). */
export function dueRecords(deps: SearchStoreDeps, loaded: Ok): Set<string> {
  const due = new Set<string>();
  for (const row of loaded.above) {
    if (deps.isDeleted(row.recordId)) continue;
    const src = loaded.search.srcOf(row.recordId);
    if (src !== undefined && src < row.id) due.add(row.recordId);
  }
  for (const id of deps.liveIds()) {
    if (!deps.isFamily(id) && loaded.search.srcOf(id) === undefined) due.add(id);
  }
  return due;
}

function sameRows(a: SearchHeader, b: SearchHeader): boolean {
  const same = (x: Uint8Array[], y: Uint8Array[]): boolean =>
    x.length === y.length && x.every((h, i) => equal(h, y[i] ?? new Uint8Array()));
  return a.gen === b.gen && same(a.tableHashes, b.tableHashes) && same(a.pageHashes, b.pageHashes);
}

function verifyParts(
  deps: SearchStoreDeps,
  header: SearchHeader,
  parts: readonly ({ key: string; bytes: Uint8Array } | undefined)[],
): { tables: RecordTableRow[][]; pages: DecodedTermPage[] } | undefined {
  const hashes = [...header.tableHashes, ...header.pageHashes];
  const raws: Uint8Array[] = [];
  for (let i = 0; i < hashes.length; i++) {
    const part = parts[i];
    if (part === undefined) return undefined;
    const raw = openRow(deps, part.key, part.bytes);
    if (raw === undefined) return undefined;
    if (!equal(deps.hash(raw), hashes[i] ?? new Uint8Array())) {
      deps.report({ code: 'tampered_row', table: 'search', key: part.key });
      return undefined;
    }
    raws.push(raw);
  }
  const tableRaws = raws.slice(0, header.tableHashes.length);
  const tables: RecordTableRow[][] = [];
  for (const [n, raw] of tableRaws.entries()) {
    const table = decodeRow(deps, tableKey(header.gen, n), raw, decodeRecordTable, false);
    if (table === undefined) return undefined;
    tables.push(table);
  }
  const recordCount = tables.reduce((sum, rows) => sum + rows.length, 0);
  const pages: DecodedTermPage[] = [];
  for (const [n, raw] of raws.slice(tableRaws.length).entries()) {
    const page = decodeRow(deps, pageKey(header.gen, n), raw, (b) => decodeTermPage(b, recordCount), false);
    if (page === undefined) return undefined;
    pages.push(page);
  }
  return { tables, pages };
}

/** A header of another format (another tokeniser) is rebuilt like a damaged one, but it is not tampering. */
function decodeHeader(deps: SearchStoreDeps, raw: Uint8Array): SearchHeader | undefined {
  if (raw[0] !== SEARCH_FORMAT) return undefined;
  return decodeRow(deps, headerKey, raw, decodeSearchHeader, false);
}

/** Opens (unless `sealed` is false) and decodes one row; reports and returns undefined when it fails. */
function decodeRow<T>(
  deps: SearchStoreDeps,
  key: string,
  bytes: Uint8Array,
  decode: (raw: Uint8Array) => T,
  sealed = true,
): T | undefined {
  const raw = sealed ? openRow(deps, key, bytes) : bytes;
  if (raw === undefined) return undefined;
  try {
    return decode(raw);
  } catch {
    deps.report({ code: 'tampered_row', table: 'search', key });
    return undefined;
  }
}

function openRow(deps: SearchStoreDeps, key: string, bytes: Uint8Array): Uint8Array | undefined {
  try {
    return deps.open(key, bytes);
  } catch {
    deps.report({ code: 'tampered_row', table: 'search', key });
    return undefined;
  }
}
