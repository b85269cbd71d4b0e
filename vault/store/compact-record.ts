// PROTOCOL.md §18.4, compaction: one readwrite transaction reads every row of the record, folds them into a
// snapshot and deletes exactly the rows it read (and their outbox rows). An update another tab commits before
// the transaction is folded; one committed after it is untouched.
import { fromHex, sealSnapshot, TYPE } from '#crypto';
import { nowSeconds } from '../records/ports.ts';
import { applyEachRow } from './apply-rows.ts';
import { addEnvelope, rowsOfRecord } from './envelope-rows.ts';
import { openRow, type OpenedRow } from './envelope-reader.ts';
import { foldRows, type FoldResult } from './fold-rows.ts';
import { OUTBOX_KIND, sealOutboxEntry } from './outbox-entry.ts';
import type { StoreContext } from './store-context.ts';
import { isClosed } from './store-state.ts';

export type CompactContext = Pick<
  StoreContext,
  | 'db'
  | 'keys'
  | 'records'
  | 'rows'
  | 'clock'
  | 'state'
  | 'indexHex'
  | 'report'
  | 'envelopeContext'
  | 'keyOf'
  | 'signingHead'
>;

/** What one attempt did: a snapshot of `size` bytes replaced the rows, or why nothing changed. */
export type CompactResult =
  | { readonly done: true; readonly size: number }
  | {
      readonly done: false;
      /** `closed`, `no_key` (a deleted record), `no_head` (a bug), `tampered` (a row failed to open, reported),
       * or why the rows could not be folded. */
      readonly reason: 'closed' | 'no_key' | 'no_head' | 'tampered' | Extract<FoldResult, { ok: false }>['reason'];
    };

/**
 * Folds record `hex` into one snapshot. A row that fails to open, or whose content does not decode, stops it:
 * the rows stay, and the row is reported. Rows of other tabs this tab has not applied yet are applied to the
 * open record once folded: in this tab's own snapshot (which catch-up skips) and deleted, nothing else would
 * bring them to its screen.
 */
export async function compactRecord(ctx: CompactContext, hex: string, maxStateBytes: number): Promise<CompactResult> {
  const { db, keys, state } = ctx;
  if (isClosed(state)) return { done: false, reason: 'closed' };
  const key = ctx.keyOf(hex);
  if (key === undefined) return { done: false, reason: 'no_key' };
  const unseen: OpenedRow[] = [];
  const result = await db.transaction('rw', db.envelopes, db.outbox, async (): Promise<CompactResult> => {
    unseen.length = 0;
    const list = await rowsOfRecord(db, hex);
    const envelopes = ctx.envelopeContext();
    const opened: OpenedRow[] = [];
    for (const env of list) {
      const one = openRow(env, envelopes);
      if (!one.ok) {
        ctx.report({ code: 'tampered_row', table: 'envelopes', recordId: hex });
        return { done: false, reason: 'tampered' };
      }
      opened.push(one.row);
    }
    const head = ctx.signingHead();
    if (head === undefined) return { done: false, reason: 'no_head' };
    const folded = foldRows(opened, maxStateBytes);
    if (!folded.ok) {
      if (folded.reason === 'unreadable') ctx.report({ code: 'unreadable_row', table: 'envelopes', recordId: hex });
      return { done: false, reason: folded.reason };
    }
    const epoch = keys.membership.epoch;
    const bytes = sealSnapshot(
      { author: keys.deviceIndex, epoch, mhead: head.mhead, coverage: folded.coverage },
      { yjsState: folded.yjsState, time: nowSeconds(ctx.clock), attribution: folded.attribution },
      { vaultId: keys.vaultId, recordId: fromHex(hex), key, authorSk: keys.identity.sigSk, headHash: head.headHash },
    );
    const id = await addEnvelope(db, {
      recordId: hex,
      type: TYPE.snapshot,
      author: keys.deviceIndex,
      seq: 0,
      epoch,
      rv: 0,
      bytes,
    });
    state.ownIds.add(id);
    if (state.loaded.has(hex)) unseen.push(...opened.filter((r) => !state.ownIds.has(r.id) && r.id > state.cursor));
    const ids = opened.map((r) => r.id);
    await db.envelopes.bulkDelete(ids);
    await db.outbox.where('envelopeId').anyOf(ids).delete();
    await db.outbox.add({
      recordId: hex,
      envelopeId: id,
      bytes: sealOutboxEntry(ctx.rows, id, OUTBOX_KIND.putSnapshot),
    });
    return { done: true, size: bytes.length };
  });
  if (result.done) {
    state.trailing.set(hex, { count: 0, bytes: 0, snapshotBytes: result.size });
    if (!isClosed(state)) applyEachRow(ctx, hex, unseen);
  }
  return result;
}
