import { Dexie } from 'dexie';
import { equal } from '#crypto/bytes';
import {
  buildGeneration,
  decodeSearchDelta,
  deltaKey,
  encodeSearchDelta,
  encodeSearchHeader,
  headerKey,
  pageKey,
  tableKey,
} from './search-format.ts';
import type { LoadedSearch } from './search-load.ts';
import type { SearchStoreDeps } from './search-store-deps.ts';
import { searchTerms } from './search-terms.ts';

/**
 * The three steps of the derived-row job for the search index (PROTOCOL.md §18.7 "The job"). Each writes in one
 * readwrite transaction that first checks what it was computed from is unchanged, and otherwise writes nothing:
 * a commit, a purge or another tab in between only leaves work for the next run.
 */

type Ok = Extract<LoadedSearch, { kind: 'ok' }>;

/** Records read per `readTexts` call: fresh documents for at most this many are alive at once. */
export const READ_BATCH = 250;

/** The highest envelope row id of `recordId` now, 0 when it has none. */
async function highestRow(deps: SearchStoreDeps, recordId: string): Promise<number> {
  const last = await deps.db.envelopes
    .where('[recordId+id]')
    .between([recordId, Dexie.minKey], [recordId, Dexie.maxKey])
    .last();
  return last?.id ?? 0;
}

/**
 * Step 1: a delta per record of `due`, each written only if its record's highest row id is still the src read.
 * A record with no readable rows gets no delta: it stays stale (answered from nothing) rather than claiming no
 * text. Returns how many deltas were written and how many were refused (their record changed meanwhile: again).
 */
export async function reindex(
  deps: SearchStoreDeps,
  due: readonly string[],
): Promise<{ written: number; refused: number }> {
  let written = 0;
  let refused = 0;
  for (let at = 0; at < due.length; at += READ_BATCH) {
    if (deps.isClosed()) return { written, refused };
    const read = await deps.readTexts(due.slice(at, at + READ_BATCH));
    const { db } = deps;
    written += await db.transaction('rw', db.search, db.envelopes, async () => {
      let count = 0;
      for (const [id, { src, texts }] of read) {
        if ((await highestRow(deps, id)) !== src) {
          refused += 1;
          continue;
        }
        const terms = searchTerms(texts);
        const raw = encodeSearchDelta({ src, terms: terms.length === 0 ? undefined : terms });
        await db.search.put({ key: deltaKey(id), bytes: deps.seal(deltaKey(id), raw) });
        count += 1;
      }
      return count;
    });
  }
  return { written, refused };
}

/**
 * The end of step 1: W raised over every row above it whose record is a family member, tombstoned, has no entry
 * (stale while live, by the other rule) or an entry with src ≥ the row id; stops at the first row that is not.
 * The header is rewritten only if it is still the one `loaded` read. True when W moved.
 */
export async function raiseWatermark(deps: SearchStoreDeps, loaded: Ok): Promise<boolean> {
  const { db } = deps;
  return db.transaction('rw', db.search, db.envelopes, async () => {
    const now = await db.search.get(headerKey);
    if (now === undefined || !equal(now.bytes, loaded.headerRow)) return false;
    const deltas = await db.search.where('key').startsWith('d').toArray();
    const deltaSrc = new Map<string, number>();
    for (const row of deltas) {
      // A delta that fails here leaves W where it is; the next load reports it and rebuilds.
      try {
        deltaSrc.set(row.key.slice(1), decodeSearchDelta(deps.open(row.key, row.bytes)).src);
      } catch {
        return false;
      }
    }
    const above = await db.envelopes.where('id').above(loaded.header.w).toArray();
    let w = loaded.header.w;
    for (const row of above) {
      const id = row.id ?? 0;
      const src = deltaSrc.get(row.recordId) ?? loaded.search.srcOf(row.recordId);
      // Not "deleted" here: a deletion this tab has not committed yet may be lost (the tab closes), and W past
      // the record's newer rows would then leave its old terms answered for good. A deleted record's rows stop W
      // only until its purge erases them.
      const passes = deps.isFamily(row.recordId) || src === undefined || src >= id;
      if (!passes) break;
      w = id;
    }
    if (w === loaded.header.w) return false;
    const raw = encodeSearchHeader({ ...loaded.header, w });
    await db.search.put({ key: headerKey, bytes: deps.seal(headerKey, raw) });
    return true;
  });
}

/** Step 2 is due: too many deltas, or the table holds a deleted or forgotten record. */
export function mergeDue(deps: SearchStoreDeps, loaded: Ok, forgotten: ReadonlySet<string>): boolean {
  const tableRecords = loaded.tables.reduce((sum, rows) => sum + rows.length, 0);
  if (loaded.deltas.size > Math.max(64, tableRecords / 32)) return true;
  return loaded.tables.some((rows) => rows.some((row) => deps.isDeleted(row.id) || forgotten.has(row.id)));
}

/**
 * Step 2: generation gen + 1 from every entry (deltas override table rows; a delta without text gives a table
 * record without terms, so it stays indexed) less deleted and forgotten records. Written only if the header and
 * every absorbed delta are unchanged. True when written.
 */
export async function merge(deps: SearchStoreDeps, loaded: Ok, forgotten: ReadonlySet<string>): Promise<boolean> {
  const records = loaded.search.records();
  for (const id of [...records.keys()]) {
    if (deps.isDeleted(id) || deps.isFamily(id) || forgotten.has(id)) records.delete(id);
  }
  const gen = loaded.header.gen + 1;
  const { db } = deps;
  return db.transaction('rw', db.search, async () => {
    const now = await db.search.get(headerKey);
    if (now === undefined || !equal(now.bytes, loaded.headerRow)) return false;
    const deltas = await db.search.bulkGet([...loaded.deltaRows.keys()].map(deltaKey));
    const changed = deltas.some(
      (row) => row === undefined || !equal(row.bytes, loaded.deltaRows.get(row.key.slice(1)) ?? new Uint8Array()),
    );
    if (changed) return false;
    await writeGeneration(
      deps,
      buildGeneration(records, gen, loaded.header.w, (raw) => deps.hash(raw)),
      gen,
      (key) => (key.startsWith('d') ? loaded.deltaRows.has(key.slice(1)) : true),
    );
    return true;
  });
}

/**
 * Step 3: every live record read again in batches, generation `gen` written with W = the highest row id before
 * the first read, every other row of `search` deleted. Records changed during the read have rows above W0 and
 * are reindexed by the next step 1. False when the vault closed first.
 */
export async function rebuild(deps: SearchStoreDeps, gen: number): Promise<boolean> {
  const { db } = deps;
  const w0 = ((await db.envelopes.orderBy(':id').lastKey()) as number | undefined) ?? 0;
  const ids = [...deps.liveIds()].filter((id) => !deps.isFamily(id) && !deps.isDeleted(id));
  const records = new Map<string, { src: number; terms: string[] }>();
  for (let at = 0; at < ids.length; at += READ_BATCH) {
    if (deps.isClosed()) return false;
    const read = await deps.readTexts(ids.slice(at, at + READ_BATCH));
    for (const [id, { src, texts }] of read) records.set(id, { src, terms: searchTerms(texts) });
  }
  const generation = buildGeneration(records, gen, w0, (raw) => deps.hash(raw));
  await db.transaction('rw', db.search, () => writeGeneration(deps, generation, gen, () => true));
  return true;
}

/** Inside a readwrite transaction: writes `generation` and deletes every row of another generation and every
 * delta `absorbed` accepts, the header last. */
async function writeGeneration(
  deps: SearchStoreDeps,
  generation: ReturnType<typeof buildGeneration>,
  gen: number,
  absorbed: (deltaKey: string) => boolean,
): Promise<void> {
  const { db } = deps;
  const keep = new Set<string>();
  const rows = [
    ...generation.tables.map((raw, n) => ({ key: tableKey(gen, n), raw })),
    ...generation.pages.map((raw, n) => ({ key: pageKey(gen, n), raw })),
  ];
  for (const row of rows) keep.add(row.key);
  const stale = (await db.search.toCollection().primaryKeys()).filter(
    (key) => key !== headerKey && !keep.has(key) && (!key.startsWith('d') || absorbed(key)),
  );
  await db.search.bulkDelete(stale);
  await db.search.bulkPut(rows.map(({ key, raw }) => ({ key, bytes: deps.seal(key, raw) })));
  await db.search.put({ key: headerKey, bytes: deps.seal(headerKey, generation.header) });
}
