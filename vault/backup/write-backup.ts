// PROTOCOL.md §18.6: the plaintext of a backup, item by item, read from IndexedDB in small batches so that a
// vault with gigabytes of files never sits in memory. Envelopes and blob rows are copied as stored (signed and
// encrypted already); only the keyring and the attachments' sizes come out of sealed local state.
import { encryptBackup, fromHex } from '#crypto';
import type { Random } from '../records/ports.ts';
import type { VaultKeys } from '../session/vault-keys.ts';
import type { RowSealer } from '../store/row-sealer.ts';
import type { VaultDb } from '../store/vault-db.ts';
import { decodeBlobState } from '../attachments/blob-state.ts';
import type { ProgressListener } from '../vault-api.ts';
import {
  emptyCounts,
  encodeBlobRow,
  encodeEnd,
  encodeEnvelope,
  encodeFile,
  encodeManifest,
  item,
  ITEM,
  type Counts,
} from './backup-items.ts';

const ENVELOPE_BATCH = 200;

export interface BackupSource {
  readonly db: VaultDb;
  readonly keys: VaultKeys;
  readonly rows: RowSealer;
  readonly random: Random;
  readonly now: number;
}

/** The backup file's bytes, produced as the consumer pulls them. */
export function writeBackup(source: BackupSource, onProgress?: ProgressListener): AsyncIterable<Uint8Array> {
  const recoveryIndex = source.keys.membership.recoveryIndex;
  const recovery = source.keys.membership.principals[recoveryIndex];
  if (recovery?.boxPk === undefined || recovery.boxPk === null)
    throw new Error('the verified log names no recovery principal');
  return encryptBackup(
    backupItems(source, onProgress),
    { vaultId: source.keys.vaultId, writtenAt: source.now, recoveryBoxPk: recovery.boxPk },
    (n) => source.random.bytes(n),
  );
}

async function* backupItems(source: BackupSource, onProgress?: ProgressListener): AsyncGenerator<Uint8Array> {
  const { db, keys, rows } = source;
  const counts: Counts = emptyCounts();
  const body = keys.body;
  // Progress counts envelope rows and blob rows: what takes the time.
  const total = (await db.envelopes.count()) + (await db.blobs.count());
  let done = 0;
  const tick = (): void => onProgress?.({ phase: 'read', done: Math.min(++done, total), total });

  yield item(
    ITEM.manifest,
    encodeManifest({
      fromDevice: keys.deviceIndex,
      relayOrigin: body.relayOrigin,
      relayPk: body.relayPk,
      h0: body.h0,
      memberHeadSeq: keys.membership.head?.seq ?? 0,
      memberHeadHash: keys.headHashes[keys.membership.head?.seq ?? 0] ?? body.h0,
      accessHeadSeq: body.accessHeadSeq,
      accessHeadHash: body.accessHeadHash,
      keyring: body.keyring,
    }),
  );
  for (const row of await db.membership.orderBy('seq').toArray()) {
    counts.membership++;
    yield item(ITEM.membership, row.bytes);
  }
  for (const row of await db.access.orderBy('seq').toArray()) {
    counts.access++;
    yield item(ITEM.access, row.bytes);
  }
  // Ascending ids in batches: a compaction meanwhile inserts its snapshot above what was read (§18.6).
  let after = 0;
  for (;;) {
    const batch = await db.envelopes.where('id').above(after).limit(ENVELOPE_BATCH).toArray();
    if (batch.length === 0) break;
    for (const row of batch) {
      after = row.id ?? after;
      counts.envelopes++;
      tick();
      yield item(ITEM.envelope, encodeEnvelope(fromHex(row.recordId), row.rv, row.bytes));
    }
  }
  for (const stateRow of await db.blobState.toArray()) {
    const state = decodeBlobState(rows.open('blobState', stateRow.blobId, stateRow.bytes));
    if (!state.complete) continue;
    const fileId = fromHex(stateRow.blobId);
    counts.files++;
    yield item(
      ITEM.file,
      encodeFile({ fileId, recordId: state.recordId, size: state.size, chunks: state.chunks, blobId: state.blobId }),
    );
    // One row (16 chunks, about 1 MiB) at a time.
    for (let index = 0; ; index++) {
      const blob = await db.blobs.where({ blobId: stateRow.blobId, index }).first();
      if (blob === undefined) break;
      counts.blobRows++;
      counts.blobBytes += blob.bytes.length;
      tick();
      yield item(ITEM.blobRow, encodeBlobRow(fileId, index, blob.bytes));
    }
  }
  const settings = await db.meta.get('settings');
  if (settings !== undefined) yield item(ITEM.settings, rows.open('meta', 'settings', settings.bytes));
  yield item(ITEM.end, encodeEnd(counts));
  onProgress?.({ phase: 'read', done: total, total });
}
