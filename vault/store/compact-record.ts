// PROTOCOL.md §18.4, compaction: one readwrite transaction reads every row of the record, folds them into a
// snapshot and deletes exactly the rows it read (and their outbox rows). An update another tab commits before
// the transaction is folded; one committed after it is untouched.
import { applyEachRow } from './apply-rows.ts';
import { rowsOfRecord } from './envelope-rows.ts';
import { openRow, type OpenedRow } from './envelope-reader.ts';
import { foldRows, type FoldResult } from './fold-rows.ts';
import { addOwnSnapshot } from './own-snapshot-row.ts';
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
  const { db, state } = ctx;
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
    // The old rows' outbox entries go first: the new snapshot's own entry is added with it.
    const ids = opened.map((r) => r.id);
    await db.outbox.where('envelopeId').anyOf(ids).delete();
    const { size } = await addOwnSnapshot(ctx, { hex, key, head }, folded);
    if (state.loaded.has(hex)) unseen.push(...opened.filter((r) => !state.ownIds.has(r.id) && r.id > state.cursor));
    await db.envelopes.bulkDelete(ids);
    return { done: true, size };
  });
  if (result.done) {
    state.trailing.set(hex, { count: 0, bytes: 0, snapshotBytes: result.size });
    if (!isClosed(state)) applyEachRow(ctx, hex, unseen);
  }
  return result;
}
