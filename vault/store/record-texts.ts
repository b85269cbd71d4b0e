// What the persisted search index is built from (PROTOCOL.md §18.7, the job): records read from their stored
// rows into fresh documents (never the model's, which may hold unsaved edits), their search texts, and the
// highest envelope row id read for each. Rows that fail to open are reported and left out, as a load does.
import * as Y from 'yjs';
import { searchTexts } from '../records/model-state.ts';
import { readRecordDoc } from '../records/record-doc.ts';
import { isVaultError } from '../records/vault-error.ts';
import { openRows } from './apply-rows.ts';
import { liveRows } from './envelope-reader.ts';
import { rowsOfRecords } from './envelope-rows.ts';
import type { StoreContext } from './store-context.ts';

export type RecordTextsContext = Pick<StoreContext, 'db' | 'report' | 'envelopeContext'>;

/** Texts of `ids`; a record without rows is absent, one that does not read has no text (an empty list). */
export async function readRecordTexts(
  ctx: RecordTextsContext,
  loadShardOf: (id: string) => Promise<void>,
  ids: readonly string[],
): Promise<Map<string, { src: number; texts: readonly string[] }>> {
  // Each record's key comes from the root its shard holds.
  for (const id of ids) await loadShardOf(id);
  const byRecord = await rowsOfRecords(ctx.db, ids);
  const envelopes = ctx.envelopeContext();
  const out = new Map<string, { src: number; texts: readonly string[] }>();
  for (const [hex, rows] of byRecord) {
    const src = rows.reduce((max, row) => Math.max(max, row.id ?? 0), 0);
    const live = liveRows(openRows(ctx, hex, rows, envelopes));
    const doc = new Y.Doc({ gc: true });
    let texts: readonly string[] = [];
    try {
      for (const part of [...(live.snapshot === undefined ? [] : [live.snapshot]), ...live.trailing]) {
        try {
          Y.applyUpdate(doc, part.yjs);
        } catch {
          ctx.report({ code: 'unreadable_row', table: 'envelopes', recordId: hex });
        }
      }
      texts = searchTexts(readRecordDoc(doc, hex));
    } catch (error) {
      if (!isVaultError(error, 'invalid_doc')) throw error;
    } finally {
      doc.destroy();
    }
    out.set(hex, { src, texts });
  }
  return out;
}
