// Stored rows into the records model (PROTOCOL.md §18.4): each row is verified and decrypted first, and one that
// fails is reported as tampered and skipped, never applied. Bytes that opened but are not a Yjs update are
// reported as unreadable. Any other throw is a bug and goes up to the caller unchanged.
import * as Y from 'yjs';
import type { EnvelopeContext } from '#crypto';
import { isVaultError } from '../records/vault-error.ts';
import { liveRows, openRow, type OpenedRow } from './envelope-reader.ts';
import type { StoreContext } from './store-context.ts';
import type { EnvelopeRow } from './vault-db.ts';

type ApplyContext = Pick<StoreContext, 'records' | 'indexHex' | 'report'>;

const LARGE_SNAPSHOT_BYTES = 64 * 1024;

/** Opens `list` (rows of record `hex`); each row that fails is reported and left out. */
export function openRows(
  { report }: Pick<StoreContext, 'report'>,
  hex: string,
  list: readonly EnvelopeRow[],
  envelopes: EnvelopeContext,
): OpenedRow[] {
  const out: OpenedRow[] = [];
  for (const row of list) {
    const opened = openRow(row, envelopes);
    if (opened.ok) out.push(opened.row);
    else report({ code: 'tampered_row', table: 'envelopes', recordId: hex });
  }
  return out;
}

function apply(ctx: ApplyContext, hex: string, yjs: Uint8Array): void {
  try {
    if (hex === ctx.indexHex) ctx.records.applyIndexUpdate(yjs);
    else if (ctx.records.isShard(hex)) ctx.records.applyShardUpdate(hex, yjs);
    else ctx.records.applyUpdate(hex, yjs);
  } catch (error) {
    if (!isVaultError(error, 'invalid_update')) throw error;
    ctx.report({ code: 'unreadable_row', table: 'envelopes', recordId: hex });
  }
}

/**
 * Applies what a record's rows amount to (its newest snapshot and the updates it does not cover), merged into
 * one update: opening a record costs its live rows, not its history. Returns them for compaction's counts.
 */
export function applyLiveRows(
  ctx: ApplyContext,
  hex: string,
  opened: readonly OpenedRow[],
): ReturnType<typeof liveRows> {
  const live = liveRows(opened);
  const parts = [...(live.snapshot === undefined ? [] : [live.snapshot.yjs]), ...live.trailing.map((r) => r.yjs)];
  if (parts.length === 0) return live;
  // A large snapshot (an index shard) is applied as it is, then its few updates: merging would decode and
  // re-encode the whole state first, which cost more than the applying itself.
  if ((live.snapshot?.yjs.length ?? 0) > LARGE_SNAPSHOT_BYTES) {
    for (const part of parts) apply(ctx, hex, part);
    return live;
  }
  let merged: Uint8Array;
  try {
    merged = parts.length === 1 ? (parts[0] ?? new Uint8Array()) : Y.mergeUpdates(parts);
  } catch {
    // Merging decodes every part: one that is not a Yjs update fails it. Applied one by one, only that one is
    // reported and the others still show.
    for (const part of parts) apply(ctx, hex, part);
    return live;
  }
  apply(ctx, hex, merged);
  return live;
}

/** Applies rows one by one (rows of other tabs on top of a loaded record: Yjs ignores what it already has). */
export function applyEachRow(ctx: ApplyContext, hex: string, opened: readonly OpenedRow[]): void {
  for (const row of opened) apply(ctx, hex, row.yjs);
}
