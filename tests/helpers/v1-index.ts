// Vaults with a v1 index (entries, roots and tombstones in the index root, as every build before index shards
// wrote them), for the migration tests (PROTOCOL.md §18.8): the index content is built with today's records
// model, merged into one document (the v1 maps have the same names as a shard's), sealed as the root's snapshot
// with the vault's own keys, and written over a vault that has no index rows yet.
import * as Y from 'yjs';
import { fromHex, sealSnapshot, TYPE, unlockKeystore } from '#crypto';
import { createRecordsModel, type RecordsModel } from '#vault';
import { verifyMembership } from '#vault/session/open-keystore';
import { createVaultKeys } from '#vault/session/vault-keys';
import { openVaultDb, type IdbPorts } from '#vault/store/vault-db';
import { manualClock, seededRandom } from '../vault/support.ts';
import { TEST_PASSPHRASE } from './vault-access.ts';

/** A model holding `count` records (every tenth one deleted), with this device's index (author 2). */
export function v1Content(count: number, seed: number): { model: RecordsModel; deleted: string[] } {
  const deleted: string[] = [];
  const model = createRecordsModel({
    clock: manualClock(Date.UTC(2023, 0, 1), 1000),
    random: seededRandom(seed),
    author: 2,
  });
  for (let i = 0; i < count; i++) {
    const { id } = model.create({
      category: 'lab-result',
      title: `Bilan ${String(i)}`,
      date: '2024-01-01',
      author: `Dr ${String(i % 40)}`,
    });
    if (i % 10 === 9) {
      model.remove(id);
      deleted.push(id);
    }
  }
  return { model, deleted };
}

/** The model's whole index as one v1 document state. */
export function v1State(model: RecordsModel): Uint8Array {
  const doc = new Y.Doc();
  for (const shard of model.shardIds()) Y.applyUpdate(doc, model.exportShardUpdate(shard));
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** Writes `state` as the index root's one snapshot row of vault `vaultIdHex` (relay version `rv`). */
export async function writeV1Index(idb: IdbPorts, vaultIdHex: string, state: Uint8Array, rv = 0): Promise<void> {
  const db = openVaultDb(vaultIdHex, idb);
  try {
    const row = await db.keystore.get('k');
    if (row === undefined) throw new Error('no keystore');
    const opened = unlockKeystore(row.bytes, TEST_PASSPHRASE);
    const entries = (await db.membership.orderBy('seq').toArray()).map((r) => r.bytes);
    const keys = createVaultKeys({
      ...opened,
      membership: verifyMembership(opened.body, opened.vaultId, entries),
      entries,
    });
    const key = keys.key(keys.indexIdHex, () => undefined);
    const mhead = keys.membership.head?.seq ?? 0;
    const headHash = keys.headHashes[mhead];
    if (key === undefined || headHash === undefined) throw new Error('no index key');
    const bytes = sealSnapshot(
      { author: keys.deviceIndex, epoch: keys.membership.epoch, mhead, coverage: [] },
      { yjsState: state, time: 1_700_000_000, attribution: [] },
      { vaultId: keys.vaultId, recordId: fromHex(keys.indexIdHex), key, authorSk: keys.identity.sigSk, headHash },
    );
    await db.envelopes.add({
      recordId: keys.indexIdHex,
      type: TYPE.snapshot,
      author: keys.deviceIndex,
      seq: 0,
      epoch: keys.membership.epoch,
      rv,
      bytes,
    });
    keys.wipe();
  } finally {
    db.close();
  }
}
