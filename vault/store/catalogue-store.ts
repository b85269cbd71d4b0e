// docs/PROTOCOL.md §18.7, catalogue: one sealed page per index shard, what the overview shows of it, stamped
// with the highest envelope row id it was built from. At unlock the current pages replace decoding the shards'
// Yjs (~4 µs an entry instead of ~18 µs); a page that is missing, stale or damaged is rebuilt from its shard by
// the background job, never in an edit's transaction, and only if the shard's rows have not moved meanwhile.
import * as Y from 'yjs';
import { decodeCataloguePage, encodeCataloguePage, type CataloguePage } from '../derived/catalogue-page.ts';
import { indexRecords, indexRoots, indexTombstones, readIndexEntry, readTombstone } from '../records/index-doc.ts';
import type { IndexEntry } from '../records/record-schema.ts';
import { isVaultError } from '../records/vault-error.ts';
import { openRows } from './apply-rows.ts';
import { liveRows } from './envelope-reader.ts';
import { rowsOfRecord } from './envelope-rows.ts';
import type { StoreContext } from './store-context.ts';
import type { VaultDb } from './vault-db.ts';

export type CatalogueContext = Pick<StoreContext, 'db' | 'derived' | 'report' | 'envelopeContext' | 'shardPrefixHex'>;

const familyRange = (prefixHex: string): [[string, number], [string, number]] => [
  [prefixHex + '0'.repeat(12), 0],
  [prefixHex + 'f'.repeat(12), Infinity],
];

/** The highest envelope row id of every shard that has rows: one key-only scan of the family range. */
export async function shardMaxima(db: VaultDb, prefixHex: string): Promise<Map<string, number>> {
  const [low, high] = familyRange(prefixHex);
  const keys = await db.envelopes.where('[recordId+id]').between(low, high, true, true).keys();
  const maxima = new Map<string, number>();
  for (const key of keys) {
    if (!Array.isArray(key)) continue;
    const [hex, id] = key as unknown[];
    if (typeof hex !== 'string' || typeof id !== 'number') continue;
    // Keys come in [recordId, id] order: the last one of a shard is its highest.
    maxima.set(hex, id);
  }
  return maxima;
}

/** The highest envelope row id of one shard, 0 when it has none. */
async function shardMaximum(db: VaultDb, hex: string): Promise<number> {
  const last = await db.envelopes.where('[recordId+id]').between([hex, 0], [hex, Infinity]).last();
  return last?.id ?? 0;
}

export interface CatalogueRead {
  /** Pages whose stamp is the shard's highest row id now. */
  readonly current: Map<string, CataloguePage>;
  /** Shards with rows and no current page (missing, stale, or failed to open: reported). */
  readonly stale: string[];
  /** Pages of shards that have no rows any more. */
  readonly orphans: string[];
}

/** Reads every page and checks its stamp (§18.7). */
export async function readCatalogue(ctx: CatalogueContext): Promise<CatalogueRead> {
  const [rows, maxima] = await Promise.all([ctx.db.catalogue.toArray(), shardMaxima(ctx.db, ctx.shardPrefixHex)]);
  const current = new Map<string, CataloguePage>();
  const orphans: string[] = [];
  for (const row of rows) {
    const max = maxima.get(row.key);
    if (max === undefined) {
      orphans.push(row.key);
      continue;
    }
    let page: CataloguePage;
    try {
      page = decodeCataloguePage(ctx.derived.open('catalogue', row.key, row.bytes));
    } catch (error) {
      if (!isVaultError(error, 'tampered_row') && !isVaultError(error, 'invalid_doc')) throw error;
      ctx.report({ code: 'tampered_row', table: 'catalogue', recordId: row.key });
      continue;
    }
    if (page.src === max) current.set(row.key, page);
  }
  const stale = [...maxima.keys()].filter((hex) => !current.has(hex));
  return { current, stale, orphans };
}

/** The page a folded shard document amounts to. */
export function pageOfShard(doc: Y.Doc, src: number): CataloguePage {
  const tombstones: CataloguePage['tombstones'] = [];
  for (const id of [...indexTombstones(doc).keys()].sort()) {
    const stamp = readTombstone(doc, id);
    if (stamp !== undefined) tombstones.push({ id, by: stamp.by, at: stamp.at });
  }
  const gone = new Set(tombstones.map((t) => t.id));
  const entries: IndexEntry[] = [];
  const listed = new Set<string>();
  for (const id of indexRecords(doc).keys()) {
    if (gone.has(id)) continue;
    try {
      const entry = readIndexEntry(doc, id);
      if (entry !== undefined) {
        entries.push(entry);
        listed.add(id);
      }
    } catch (error) {
      if (!isVaultError(error, 'invalid_doc')) throw error;
    }
  }
  const unlisted = [...indexRoots(doc).keys()].filter((id) => !listed.has(id) && !gone.has(id)).sort();
  return { src, entries, unlisted, tombstones };
}

/**
 * Builds shard `hex`'s page from its stored rows, folded in a fresh document (never the model's, which may hold
 * unsaved edits), and writes it if the shard's rows did not move meanwhile. Returns the page, or undefined when
 * it was not written (the shard changed, or has no rows: its page, if any, is deleted).
 */
export async function writeCataloguePage(ctx: CatalogueContext, hex: string): Promise<CataloguePage | undefined> {
  const { db } = ctx;
  const rows = await rowsOfRecord(db, hex);
  const src = rows.reduce((max, row) => Math.max(max, row.id ?? 0), 0);
  if (src === 0) {
    await db.catalogue.delete(hex);
    return undefined;
  }
  const doc = new Y.Doc({ gc: true });
  let page: CataloguePage;
  try {
    const live = liveRows(openRows(ctx, hex, rows, ctx.envelopeContext()));
    for (const part of [...(live.snapshot === undefined ? [] : [live.snapshot]), ...live.trailing]) {
      try {
        Y.applyUpdate(doc, part.yjs);
      } catch {
        ctx.report({ code: 'unreadable_row', table: 'envelopes', recordId: hex });
      }
    }
    page = pageOfShard(doc, src);
  } finally {
    doc.destroy();
  }
  const bytes = ctx.derived.seal('catalogue', hex, encodeCataloguePage(page));
  const written = await db.transaction('rw', db.envelopes, db.catalogue, async () => {
    if ((await shardMaximum(db, hex)) !== src) return false;
    await db.catalogue.put({ key: hex, bytes });
    return true;
  });
  return written ? page : undefined;
}
