// PROTOCOL.md §18.4: each record's next update sequence of this device, kept in a `counters` LSK row holding
// `varint nextSeq`, read and written in the commit's transaction so two tabs never take the same sequence.
import { ByteReader, varint } from '#crypto';
import { isVaultError, VaultError } from '../records/vault-error.ts';
import { openRow } from './envelope-reader.ts';
import type { StoreContext } from './store-context.ts';

export type SequenceContext = Pick<StoreContext, 'db' | 'keys' | 'rows' | 'report' | 'envelopeContext'>;

function decodeCounter(bytes: Uint8Array): number {
  const reader = new ByteReader(bytes);
  const value = reader.varint();
  if (reader.remaining !== 0 || value < 1) throw new VaultError('tampered_row', 'counter value');
  return value;
}

/** The sealed `counters` value saying the next sequence of record `hex` is `nextSeq`. */
export function sealCounter(ctx: Pick<StoreContext, 'rows'>, hex: string, nextSeq: number): Uint8Array {
  return ctx.rows.seal('counters', hex, varint(nextSeq));
}

/**
 * Next sequence of this device for a record: from its counter row, or rebuilt from the envelopes when the row is
 * missing or fails to open (a tampered counter must not stop the patient from saving). Runs inside the
 * commit's transaction.
 */
export async function nextSequence(ctx: SequenceContext, hex: string): Promise<number> {
  const row = await ctx.db.counters.get(hex);
  if (row !== undefined) {
    try {
      return decodeCounter(ctx.rows.open('counters', hex, row.bytes));
    } catch (error) {
      if (!isVaultError(error, 'tampered_row')) throw error;
      ctx.report({ code: 'tampered_row', table: 'counters', recordId: hex });
    }
  }
  let max = 0;
  const envelopes = ctx.envelopeContext();
  const self = ctx.keys.deviceIndex;
  for (const env of await ctx.db.envelopes.where('recordId').equals(hex).toArray()) {
    const opened = openRow(env, envelopes);
    if (!opened.ok) continue;
    const { row: r } = opened;
    if (r.type === 'update' && r.author === self) max = Math.max(max, r.seq);
    if (r.type === 'snapshot') max = Math.max(max, r.coverage.get(self) ?? 0);
  }
  return max + 1;
}
