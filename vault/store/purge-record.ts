// Crypto-erasure of a deleted record (PROTOCOL.md §17.2): every stored row of the record goes, then its index
// shard is compacted so the record's root R_r is in no stored row any more. Runs after the tombstone is
// committed. A shard holds at most 1,024 keys (§7.7), so its compaction is always possible, whatever the vault's
// size.
import { pendingPurges } from './pending-purges.ts';
import type { StoreContext } from './store-context.ts';
import { isClosed } from './store-state.ts';

export interface PurgeDeps {
  readonly ctx: Pick<StoreContext, 'db' | 'state' | 'records' | 'rows' | 'report'>;
  /** Commits every queued edit first: the tombstone, and edits of the record that must not outlive it. */
  readonly flush: () => Promise<void>;
  readonly compact: (hex: string) => Promise<boolean>;
}

export async function purgeRecord({ ctx, flush, compact }: PurgeDeps, hex: string): Promise<void> {
  const { db, state } = ctx;
  // Read before anything is erased: the tombstone keeps the record's key in its shard for good.
  const shard = ctx.records.shardOf(hex);
  // Listed first, cleared last: a purge cut short anywhere in between is finished at the next unlock.
  await pendingPurges.add(ctx, hex);
  await flush();
  // Erase only what a committed tombstone covers: a lock during the flush may have dropped it.
  if (isClosed(state) || ctx.records.removed(hex) === undefined) return;
  await db.transaction('rw', [db.envelopes, db.outbox, db.counters, db.state, db.catalogue], async () => {
    await db.envelopes.where('recordId').equals(hex).delete();
    await db.outbox.where('recordId').equals(hex).delete();
    await db.counters.delete(hex);
    await db.state.delete(hex);
    // The shard's page still lists the record's title: it goes now, and the catalogue job writes it again from
    // the compacted shard (§18.7, Purge).
    if (shard !== undefined) await db.catalogue.delete(shard);
  });
  state.trailing.delete(hex);
  state.loaded.delete(hex);
  if (shard !== undefined) await compact(shard);
  if (isClosed(state)) return;
  await pendingPurges.remove(ctx, hex);
}
