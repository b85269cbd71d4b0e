// PROTOCOL.md §18.4: local edits become durable in one strict readwrite transaction: per record, the next
// sequence from `counters`, the sealed update envelope, its outbox row and the counter's next value. Edits
// queued while a commit ran are merged (Y.mergeUpdates) into one envelope per record.
import * as Y from 'yjs';
import { fromHex, sealUpdate, TYPE } from '#crypto';
import { nowSeconds } from '../records/ports.ts';
import { VaultError } from '../records/vault-error.ts';
import { addEnvelope } from './envelope-rows.ts';
import { OUTBOX_KIND, sealOutboxEntry } from './outbox-entry.ts';
import { nextSequence, sealCounter } from './sequence-counter.ts';
import type { StoreContext } from './store-context.ts';

export type CommitContext = Pick<
  StoreContext,
  'db' | 'keys' | 'records' | 'rows' | 'clock' | 'report' | 'envelopeContext' | 'keyOf' | 'signingHead'
>;

/** One local Yjs update, for the index (its id) or a record. */
export interface PendingEdit {
  readonly target: string;
  readonly update: Uint8Array;
}

/** An envelope row the commit wrote. */
export interface CommittedEnvelope {
  readonly hex: string;
  readonly id: number;
  readonly size: number;
}

function mergeByRecord(batch: readonly PendingEdit[]): Map<string, Uint8Array> {
  const groups = new Map<string, Uint8Array[]>();
  for (const { target, update } of batch) {
    const list = groups.get(target);
    if (list === undefined) groups.set(target, [update]);
    else list.push(update);
  }
  const merged = new Map<string, Uint8Array>();
  for (const [hex, updates] of groups) {
    merged.set(hex, updates.length === 1 ? (updates[0] ?? new Uint8Array()) : Y.mergeUpdates(updates));
  }
  return merged;
}

/**
 * Commits a batch of edits. Resolves with the rows written once the transaction is durable (only then is an
 * edit shown as saved); rejects with nothing written.
 */
export async function commitEdits(ctx: CommitContext, batch: readonly PendingEdit[]): Promise<CommittedEnvelope[]> {
  const { db, keys } = ctx;
  const merged = mergeByRecord(batch);
  const written: CommittedEnvelope[] = [];
  await db.transaction('rw', db.counters, db.envelopes, db.outbox, async () => {
    // Dexie may run the callback again after a retry: start from nothing each time.
    written.length = 0;
    for (const [hex, yjs] of merged) {
      const key = ctx.keyOf(hex);
      // A record deleted before its edits were committed: its root is gone with it (§17.2), and what it held
      // must not be written. Any other missing key is a bug, and the batch fails.
      if (key === undefined && ctx.records.removed(hex) !== undefined) continue;
      if (key === undefined) throw new VaultError('internal', `no key for record ${hex}`);
      const seq = await nextSequence(ctx, hex);
      const head = ctx.signingHead();
      if (head === undefined) throw new VaultError('internal', 'membership head unknown');
      const epoch = keys.membership.epoch;
      const bytes = sealUpdate(
        { author: keys.deviceIndex, epoch, seq, mhead: head.mhead },
        { time: nowSeconds(ctx.clock), yjs },
        { vaultId: keys.vaultId, recordId: fromHex(hex), key, authorSk: keys.identity.sigSk, headHash: head.headHash },
      );
      const id = await addEnvelope(db, {
        recordId: hex,
        type: TYPE.update,
        author: keys.deviceIndex,
        seq,
        epoch,
        rv: 0,
        bytes,
      });
      await db.outbox.add({
        recordId: hex,
        envelopeId: id,
        bytes: sealOutboxEntry(ctx.rows, id, OUTBOX_KIND.pushUpdate),
      });
      await db.counters.put({ recordId: hex, bytes: sealCounter(ctx, hex, seq + 1) });
      written.push({ hex, id, size: bytes.length });
    }
  });
  return written;
}
