// Loading (PROTOCOL.md §18.4): the index root, then the overview from the catalogue pages (§18.7) with only
// the shards whose page is not current decoded (and this device's open shard, so `create` stays synchronous);
// then a shard when one of its records is opened or written, always before that record. A record is read from
// its newest snapshot and the updates it does not cover.
import { applyLiveRows, openRows } from './apply-rows.ts';
import { readCatalogue } from './catalogue-store.ts';
import { lastEnvelopeId, rowsOfRecord } from './envelope-rows.ts';
import { parseShardHex } from '../records/shard-ids.ts';
import type { OpenedRow } from './envelope-reader.ts';
import type { StoreContext } from './store-context.ts';
import { isClosed, trailingOf } from './store-state.ts';

export type RecordLoaderContext = Pick<
  StoreContext,
  'db' | 'state' | 'records' | 'indexHex' | 'shardPrefixHex' | 'report' | 'envelopeContext' | 'derived' | 'keys'
>;

export interface RecordLoader {
  /** The root and the overview; returns the shards whose catalogue page must be rewritten. */
  loadIndex(): Promise<string[]>;
  /** Reads a shard's rows once (its catalogue page, if shown, is replaced by the shard's own entries). */
  loadShard(hex: string): Promise<void>;
  /** Reads a record's rows once; later calls return at once, or wait for the read in flight. */
  loadRecord(hex: string): Promise<void>;
}

export function createRecordLoader(ctx: RecordLoaderContext): RecordLoader {
  const { db, state } = ctx;
  // Records of a loadAll batch still being read: loadRecord waits for its batch instead of returning early
  // (the record would otherwise be "not found" right after unlock on a large vault).
  const inFlight = new Map<string, Promise<void>>();

  /** Applies a record's opened rows and keeps their counts for compaction. */
  function applyRecord(hex: string, opened: readonly OpenedRow[]): void {
    const { snapshot, trailing } = applyLiveRows(ctx, hex, opened);
    const t = trailingOf(state, hex);
    t.count = trailing.length;
    t.bytes = trailing.reduce((sum, r) => sum + r.size, 0);
    t.snapshotBytes = snapshot?.size ?? 0;
  }

  async function loadIndex(): Promise<string[]> {
    // Rows committed from here on are seen by tab catch-up; rows before it by the loads (read again if both:
    // Yjs ignores what it already has).
    state.cursor = Math.max(state.cursor, await lastEnvelopeId(db));
    state.loaded.add(ctx.indexHex);
    const [list, catalogue] = await Promise.all([rowsOfRecord(db, ctx.indexHex), readCatalogue(ctx)]);
    applyRecord(ctx.indexHex, openRows(ctx, ctx.indexHex, list, ctx.envelopeContext()));
    // Decoded now: the shards without a current page, and this device's newest shard (where `create` writes).
    const own = [...catalogue.current.keys(), ...catalogue.stale]
      .filter((hex) => parseShardHex(hex).creator === ctx.keys.deviceIndex)
      .sort()
      .at(-1);
    const decode = new Set(catalogue.stale);
    if (own !== undefined) decode.add(own);
    const shardRows = await Promise.all([...decode].map(async (hex) => [hex, await rowsOfRecord(db, hex)] as const));
    if (isClosed(state)) return [];
    const envelopes = ctx.envelopeContext();
    for (const [hex, rows] of shardRows) {
      state.loaded.add(hex);
      applyRecord(hex, openRows(ctx, hex, rows, envelopes));
    }
    ctx.records.useCatalogue(new Map([...catalogue.current].filter(([hex]) => !decode.has(hex))));
    for (const hex of catalogue.orphans) await db.catalogue.delete(hex);
    return catalogue.stale;
  }

  /** Loads the shard holding `hex`'s key first, if it is only shown from its page (its root is there). */
  async function loadShardOf(hex: string): Promise<void> {
    const shard = ctx.records.shardOf(hex);
    if (shard !== undefined && !ctx.records.isShardLoaded(shard)) await loadRecord(shard);
  }

  async function loadShard(hex: string): Promise<void> {
    await loadRecord(hex);
  }

  async function loadRecord(hex: string): Promise<void> {
    if (isClosed(state)) return;
    if (state.loaded.has(hex)) {
      await inFlight.get(hex);
      return;
    }
    // Marked before reading: an update from another tab arriving meanwhile is applied on top (Yjs merges). A
    // second call while this one reads (a page asking again) waits for it, as for a loadAll batch: returning at
    // once would answer "not found" for a record that is there.
    state.loaded.add(hex);
    const reading = (async () => {
      if (!ctx.records.isShard(hex)) await loadShardOf(hex);
      await readRecord(hex);
    })();
    inFlight.set(hex, reading);
    try {
      await reading;
    } finally {
      if (inFlight.get(hex) === reading) inFlight.delete(hex);
    }
  }

  async function readRecord(hex: string): Promise<void> {
    let list;
    try {
      list = await rowsOfRecord(db, hex);
    } catch (error) {
      // Unmarked, so the next attempt reads the record instead of finding it "loaded" and empty.
      state.loaded.delete(hex);
      throw error;
    }
    if (isClosed(state)) return;
    applyRecord(hex, openRows(ctx, hex, list, ctx.envelopeContext()));
  }

  return { loadIndex, loadShard, loadRecord };
}
