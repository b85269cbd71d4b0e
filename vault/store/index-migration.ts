// PROTOCOL.md §18.8: a vault whose index root still holds its records (the v1 layout, every vault made before
// index shards) is rewritten once, at unlock, before anything is loaded: its entries, roots and tombstones are
// copied verbatim into shards of this device, and the old index rows are deleted, in one readwrite transaction.
// A crash before the commit leaves the v1 vault as it was; a second tab (or a second unlock) finds no v1 key
// and does nothing. Allowed only because no v1 index ever reached a relay: a row with a relay version refuses.
import * as Y from 'yjs';
import { indexRecords, indexRoots, indexTombstones, readIndexEntry } from '../records/index-doc.ts';
import { nowSeconds } from '../records/ports.ts';
import { parseShardHex, shardHex } from '../records/shard-ids.ts';
import { isVaultError, VaultError } from '../records/vault-error.ts';
import { openRows } from './apply-rows.ts';
import { liveRows } from './envelope-reader.ts';
import { rowsOfRecord, rowsOfShards } from './envelope-rows.ts';
import { addOwnSnapshot } from './own-snapshot-row.ts';
import type { StoreContext } from './store-context.ts';

export type MigrationContext = Pick<
  StoreContext,
  | 'db'
  | 'keys'
  | 'rows'
  | 'clock'
  | 'state'
  | 'indexHex'
  | 'shardPrefixHex'
  | 'report'
  | 'envelopeContext'
  | 'keyOf'
  | 'signingHead'
>;

/** The v1 index as this device's loader would show it: newest snapshot and trailing updates, bad rows left out. */
function foldV1(ctx: MigrationContext, rows: Parameters<typeof openRows>[2]): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  const live = liveRows(openRows(ctx, ctx.indexHex, rows, ctx.envelopeContext()));
  for (const part of [...(live.snapshot === undefined ? [] : [live.snapshot]), ...live.trailing]) {
    try {
      Y.applyUpdate(doc, part.yjs);
    } catch {
      ctx.report({ code: 'unreadable_row', table: 'envelopes', recordId: ctx.indexHex });
    }
  }
  return doc;
}

/**
 * The keys in shard order (§18.8): valid entries by creation time then id, then keys with a root but no valid
 * entry, then tombstones by id. A key with a tombstone counts as deleted, whatever else it holds.
 */
function orderedKeys(doc: Y.Doc): string[] {
  const deleted = [...indexTombstones(doc).keys()].sort();
  const gone = new Set(deleted);
  const entries: { id: string; at: number }[] = [];
  const rootOnly: string[] = [];
  for (const id of new Set([...indexRecords(doc).keys(), ...indexRoots(doc).keys()])) {
    if (gone.has(id)) continue;
    let at: number | undefined;
    try {
      at = readIndexEntry(doc, id)?.created.at;
    } catch (error) {
      if (!isVaultError(error, 'invalid_doc')) throw error;
    }
    if (at === undefined) rootOnly.push(id);
    else entries.push({ id, at });
  }
  entries.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return [...entries.map((e) => e.id), ...rootOnly.sort(), ...deleted];
}

/** Copies every value `key` holds in the v1 maps into `shard`, verbatim. */
function copyKey(from: Y.Doc, shard: Y.Doc, key: string): void {
  for (const map of [indexRecords, indexRoots, indexTombstones]) {
    const value = map(from).get(key);
    // A nested Yjs type is no valid entry, root or stamp (the readers refuse it): it is left behind.
    if (value !== undefined && !(value instanceof Y.AbstractType)) map(shard).set(key, value);
  }
}

/** Migrates a v1 index; returns how many shards it wrote (0 when there was nothing to migrate). */
export async function migrateV1Index(ctx: MigrationContext, capacity: number, clientId: () => number): Promise<number> {
  const { db, keys } = ctx;
  return db.transaction('rw', db.envelopes, db.outbox, async () => {
    const rows = await rowsOfRecord(db, ctx.indexHex);
    if (rows.length === 0) return 0;
    if (rows.some((row) => row.rv > 0)) {
      throw new VaultError('migration_blocked', 'a relay acknowledged this v1 index: it is not rewritten here');
    }
    const v1 = foldV1(ctx, rows);
    try {
      const order = orderedKeys(v1);
      if (order.length === 0) return 0;
      const head = ctx.signingHead();
      if (head === undefined) throw new VaultError('internal', 'no hash for the membership head');
      // After any shard this device already has (a v1 tab kept writing into the root after a migration).
      let next = 0;
      for (const hex of (await rowsOfShards(db, ctx.shardPrefixHex)).keys()) {
        const { creator, number } = parseShardHex(hex);
        if (creator === keys.deviceIndex) next = Math.max(next, number + 1);
      }
      const written = Math.ceil(order.length / capacity);
      for (let i = 0; i < written; i++) {
        const hex = shardHex(ctx.shardPrefixHex, keys.deviceIndex, next + i);
        const key = ctx.keyOf(hex);
        if (key === undefined) throw new VaultError('internal', 'no index key for the current epoch');
        const shard = new Y.Doc({ gc: true });
        shard.clientID = clientId();
        shard.transact(() => {
          for (const id of order.slice(i * capacity, (i + 1) * capacity)) copyKey(v1, shard, id);
        });
        const clocks = Y.decodeStateVector(Y.encodeStateVector(shard)).get(shard.clientID) ?? 0;
        // No update produced this snapshot: it covers none (empty coverage) and attributes its one Yjs client
        // to this device with no sequence (seq_lo 0, seq_n 0), as §18.8 says.
        const now = nowSeconds(ctx.clock);
        await addOwnSnapshot(
          ctx,
          { hex, key, head },
          {
            yjsState: Y.encodeStateAsUpdate(shard),
            coverage: [],
            attribution: [
              {
                client: shard.clientID,
                author: keys.deviceIndex,
                seqLo: 0,
                seqN: 0,
                clockLo: 0,
                clockN: clocks,
                tLo: now,
                tN: 0,
              },
            ],
          },
        );
        shard.destroy();
      }
      // The root is now empty: its rows go. Its sequence counter stays, so no (record, author, seq) is reused.
      const ids = rows.map((row) => row.id ?? -1);
      await db.outbox.where('envelopeId').anyOf(ids).delete();
      await db.envelopes.bulkDelete(ids);
      return written;
    } finally {
      v1.destroy();
    }
  });
}
