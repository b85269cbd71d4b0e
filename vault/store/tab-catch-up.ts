// Tab catch-up (PROTOCOL.md §18.5): when another tab says it committed (BroadcastChannel `changed`), read every
// envelope row after this tab's cursor and apply those of records this tab has loaded, skipping its own rows.
// A record not loaded yet reads all its rows itself when it is opened.
import { applyEachRow, openRows } from './apply-rows.ts';
import { groupByRecord, rowsAfter } from './envelope-rows.ts';
import type { StoreContext } from './store-context.ts';
import { isClosed } from './store-state.ts';

export type TabCatchUpContext = Pick<
  StoreContext,
  'db' | 'state' | 'records' | 'indexHex' | 'report' | 'envelopeContext'
>;

/**
 * Applies rows other tabs committed since this tab last looked; returns the records and shards they changed.
 * A shard this tab shows only from its catalogue page (or not at all) is read whole by `loadShard`: its new
 * rows alone would replace the page's entries with just theirs.
 */
export async function applyRowsOfOtherTabs(
  ctx: TabCatchUpContext,
  loadShard: (hex: string) => Promise<void>,
): Promise<string[]> {
  const { state } = ctx;
  if (isClosed(state)) return [];
  const list = await rowsAfter(ctx.db, state.cursor);
  if (isClosed(state)) return [];
  // The cursor moves only once these rows are applied: after a failure, a retry reads them again.
  let seen = state.cursor;
  for (const row of list) if (row.id !== undefined) seen = Math.max(seen, row.id);
  // Rows of the index family are always taken: a shard another tab opened is new here, and the overview
  // follows every shard (§18.5).
  const wanted = list.filter(
    (row) =>
      !(row.id !== undefined && state.ownIds.has(row.id)) &&
      (state.loaded.has(row.recordId) || ctx.records.isShard(row.recordId)),
  );
  const byRecord = groupByRecord(wanted);
  for (const hex of [...byRecord.keys()]) {
    if (!ctx.records.isShard(hex) || ctx.records.isShardLoaded(hex)) continue;
    byRecord.delete(hex);
    await loadShard(hex);
    if (isClosed(state)) return [];
  }
  // The index family first: a new record's root must be known before its first update can be opened.
  const rank = (hex: string): number => (hex === ctx.indexHex ? 0 : ctx.records.isShard(hex) ? 1 : 2);
  const order = [...byRecord.keys()].sort((a, b) => rank(a) - rank(b));
  const envelopes = ctx.envelopeContext();
  for (const hex of order) applyEachRow(ctx, hex, openRows(ctx, hex, byRecord.get(hex) ?? [], envelopes));
  state.cursor = Math.max(state.cursor, seen);
  return [...byRecord.keys()];
}
