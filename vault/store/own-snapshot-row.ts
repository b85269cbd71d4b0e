// A snapshot this device writes (PROTOCOL.md §7.3), sealed and added as an envelope row with its outbox row
// (put snapshot), inside the caller's readwrite transaction: compaction and the v1 index migration share it.
import { fromHex, sealSnapshot, TYPE, type AttributionRow } from '#crypto';
import { nowSeconds } from '../records/ports.ts';
import { addEnvelope } from './envelope-rows.ts';
import { OUTBOX_KIND, sealOutboxEntry } from './outbox-entry.ts';
import type { SigningHead, StoreContext } from './store-context.ts';

export interface OwnSnapshot {
  readonly yjsState: Uint8Array;
  /** Per author, the highest sequence folded in, sorted by author. */
  readonly coverage: [number, number][];
  readonly attribution: AttributionRow[];
}

/** Adds the snapshot of record `hex` under `key`; returns its envelope row id and size. */
export async function addOwnSnapshot(
  ctx: Pick<StoreContext, 'db' | 'keys' | 'rows' | 'clock' | 'state'>,
  where: { hex: string; key: Uint8Array; head: SigningHead },
  snapshot: OwnSnapshot,
): Promise<{ id: number; size: number }> {
  const { db, keys } = ctx;
  const epoch = keys.membership.epoch;
  const bytes = sealSnapshot(
    { author: keys.deviceIndex, epoch, mhead: where.head.mhead, coverage: snapshot.coverage },
    { yjsState: snapshot.yjsState, time: nowSeconds(ctx.clock), attribution: snapshot.attribution },
    {
      vaultId: keys.vaultId,
      recordId: fromHex(where.hex),
      key: where.key,
      authorSk: keys.identity.sigSk,
      headHash: where.head.headHash,
    },
  );
  const id = await addEnvelope(db, {
    recordId: where.hex,
    type: TYPE.snapshot,
    author: keys.deviceIndex,
    seq: 0,
    epoch,
    rv: 0,
    bytes,
  });
  ctx.state.ownIds.add(id);
  await db.outbox.add({
    recordId: where.hex,
    envelopeId: id,
    bytes: sealOutboxEntry(ctx.rows, id, OUTBOX_KIND.putSnapshot),
  });
  return { id, size: bytes.length };
}
