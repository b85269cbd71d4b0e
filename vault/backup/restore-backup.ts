// PROTOCOL.md §18.6 "Restoring": a backup becomes a vault database in this browser, as a new device admitted by
// the recovery principal. Everything is checked as it streams in; any failure deletes the new database, so a
// damaged or foreign file changes nothing. The directory row is written last: until then nothing lists it.
import {
  ChunkReader,
  createKeystoreWithKek,
  decryptBackup,
  deviceIdentity,
  epochCommitment,
  equal,
  isCryptoError,
  localStorageKey,
  newDeviceSeeds,
  parseBackupHeader,
  parseEnvelope,
  recoveryPrincipal,
  toHex,
  TYPE,
  wipe,
  BACKUP_HEADER_BYTES,
  type KeystoreBody,
  type Identity,
} from '#crypto';
import { initialState, validateEntry, validateLog, type MembershipState } from '#protocol/membership/index';
import { entryHash, signNextEntry } from '#protocol/membership/sign-entry';
import { encodeBlobState } from '../attachments/blob-state.ts';
import { rowCount } from '../attachments/blob-rows.ts';
import type { Clock, Random } from '../records/ports.ts';
import { isVaultError, VaultError } from '../records/vault-error.ts';
import { parseTypedRecoveryKey } from '../session/open-keystore.ts';
import { createRowSealer, type RowSealer } from '../store/row-sealer.ts';
import { listVaults } from '../store/list-vaults.ts';
import { openDirectoryDb, openVaultDb, type EnvelopeRow, type IdbPorts, type VaultDb } from '../store/vault-db.ts';
import type { BackupFile, ProgressListener } from '../vault-api.ts';
import {
  decodeBlobRow,
  decodeEnd,
  decodeEnvelope,
  decodeFile,
  decodeManifest,
  emptyCounts,
  ITEM,
  readItem,
  type Counts,
  type FileItem,
  type Manifest,
} from './backup-items.ts';

export interface RestoreDeps {
  readonly idb?: IdbPorts;
  readonly clock: Clock;
  readonly random: Random;
  /** The new passphrase's key-encryption key, from the KDF ladder (§18.2). */
  readonly kek: { kek: Uint8Array; salt: Uint8Array; params: { opslimit: number; memlimit: number } };
}

export interface Restored {
  readonly db: VaultDb;
  readonly dsk: Uint8Array;
  readonly body: KeystoreBody;
  readonly vaultId: Uint8Array;
}

/** What the clear header says, shown before anything else is asked; `backup_foreign` when it is not a backup. */
export async function inspectBackup(file: BackupFile): Promise<{ vaultId: string; writtenAt: number }> {
  const header = await readHeader(file);
  return { vaultId: toHex(header.vaultId), writtenAt: header.writtenAt };
}

async function readHeader(file: BackupFile): Promise<ReturnType<typeof parseBackupHeader>> {
  try {
    return parseBackupHeader(new Uint8Array(await file.slice(0, BACKUP_HEADER_BYTES).arrayBuffer()));
  } catch (cause) {
    const foreign = ['unknown_type', 'unknown_version', 'stream_truncated', 'bad_encoding'] as const;
    if (foreign.some((code) => isCryptoError(cause, code))) {
      throw new VaultError('backup_foreign', 'not a Carnet backup', { cause });
    }
    throw cause;
  }
}

/** Checks the file's header and the recovery key against each other, then restores (§18.6 steps 1–3). */
export async function restoreBackup(
  deps: RestoreDeps,
  input: { backup: BackupFile; recoveryKey: string },
  onProgress?: ProgressListener,
): Promise<Restored> {
  const header = await readHeader(input.backup);
  const recoveryKey = parseTypedRecoveryKey(input.recoveryKey);
  const recovery = recoveryPrincipal(recoveryKey);
  wipe(recoveryKey);
  try {
    if (!equal(recovery.boxPk, header.recoveryBoxPk)) {
      throw new VaultError('backup_wrong_key', 'the backup is sealed to another recovery key');
    }
    const hex = toHex(header.vaultId);
    // Read without Dexie, which would create the directory: a refused restore leaves IndexedDB as it was.
    if ((await listVaults(deps.idb?.indexedDB ?? indexedDB)).some((vault) => vault.id === hex)) {
      throw new VaultError('backup_vault_exists', 'this browser already holds this vault');
    }
    // A database nothing lists is what an interrupted restore left behind (§18.6 step 2).
    await deleteDb(hex, deps.idb);
    const db = openVaultDb(hex, deps.idb);
    try {
      const restored = await restoreInto(db, deps, header.vaultId, recovery, input.backup, onProgress);
      const directory = openDirectoryDb(deps.idb);
      try {
        await directory.vaults.put({ vaultIdHex: hex, relayOrigin: restored.body.relayOrigin });
      } finally {
        directory.close();
      }
      return { db, ...restored };
    } catch (error) {
      db.close();
      await deleteDb(hex, deps.idb);
      if (isVaultError(error, 'backup_wrong_key')) throw error;
      if (isVaultError(error) && error.code !== 'backup_damaged' && error.code !== 'quota_exceeded') {
        throw new VaultError('backup_damaged', error.message, { cause: error });
      }
      // The key matched the header's, so a seal that does not open means a damaged file, not a wrong key.
      if (isCryptoError(error)) throw new VaultError('backup_damaged', error.message, { cause: error });
      if (error instanceof Error && error.name === 'QuotaExceededError') {
        throw new VaultError('quota_exceeded', 'the browser refused to store the restored record', { cause: error });
      }
      throw error;
    }
  } finally {
    wipe(recovery.sigSk, recovery.boxSk);
  }
}

async function deleteDb(hex: string, idb?: IdbPorts): Promise<void> {
  await openVaultDb(hex, idb).delete();
}

/** Streams the items into `db`, then admits this browser as a new device. */
async function restoreInto(
  db: VaultDb,
  deps: RestoreDeps,
  vaultId: Uint8Array,
  recovery: Identity,
  backup: BackupFile,
  onProgress?: ProgressListener,
): Promise<Omit<Restored, 'db'>> {
  const rng = (n: number): Uint8Array => deps.random.bytes(n);
  const seeds = newDeviceSeeds(rng);
  const device = deviceIdentity(seeds.sigSeed, seeds.boxSeed);
  wipe(device.sigSk, device.boxSk);
  let read = 0;
  const counted = countBytes(backup.stream(), (n) => {
    read += n;
    onProgress?.({ phase: 'write', done: Math.min(read, backup.size), total: backup.size });
  });
  const reader = new ChunkReader(decryptBackup(counted, recovery));
  const sink = createSink(db);
  let manifest: Manifest | undefined;
  let state: MembershipState | undefined;
  let rows: RowSealer | undefined;
  let dsk: Uint8Array | undefined;
  let body: KeystoreBody | undefined;
  let keystore: Uint8Array | undefined;
  const entries: Uint8Array[] = [];
  const counts: Counts = emptyCounts();
  let file: { item: FileItem; next: number } | undefined;
  let phase = 0;
  let ended: Counts | undefined;
  try {
    for (;;) {
      const next = await readItem(reader);
      if (next === null) break;
      if (ended !== undefined) throw damaged('items after the end item');
      const { kind, body: bytes } = next;
      // Kinds come in the order of §18.6; file and blob row alternate.
      const order = kind === ITEM.blobRow ? ITEM.file : kind;
      if (order < phase) throw damaged('items out of order');
      if (kind !== ITEM.membership && state === undefined && manifest !== undefined) {
        let entry: Uint8Array;
        ({ state, rows, dsk, body, keystore, entry } = admitDevice(
          vaultId,
          manifest,
          entries,
          recovery,
          device,
          seeds,
          deps,
        ));
        // The log written to IndexedDB ends with this browser's own device-add.
        await sink.membership([...entries, entry]);
      }
      phase = order;
      switch (kind) {
        case ITEM.manifest:
          if (manifest !== undefined) throw damaged('two manifests');
          manifest = decodeManifest(bytes);
          break;
        case ITEM.membership:
          if (manifest === undefined) throw damaged('no manifest first');
          counts.membership++;
          entries.push(bytes);
          break;
        case ITEM.access:
          counts.access++;
          await sink.access(counts.access - 1, bytes);
          break;
        case ITEM.envelope: {
          counts.envelopes++;
          const envelope = decodeEnvelope(bytes);
          const h = parseEnvelope(envelope.bytes).header;
          await sink.envelope({
            recordId: toHex(envelope.recordId),
            type: h.type,
            author: h.author,
            seq: h.type === TYPE.update ? h.seq : 0,
            epoch: h.epoch,
            rv: envelope.rv,
            bytes: envelope.bytes,
          });
          break;
        }
        case ITEM.file:
          await finishFile(file, sink, rows);
          counts.files++;
          file = { item: decodeFile(bytes), next: 0 };
          break;
        case ITEM.blobRow: {
          const row = decodeBlobRow(bytes);
          if (file === undefined || !equal(row.fileId, file.item.fileId) || row.index !== file.next) {
            throw damaged('a blob row out of place');
          }
          file.next++;
          counts.blobRows++;
          counts.blobBytes += row.bytes.length;
          await sink.blob(toHex(row.fileId), row.index, row.bytes);
          break;
        }
        case ITEM.settings:
          if (rows === undefined) throw damaged('settings before the log');
          await sink.settings(rows.seal('meta', 'settings', bytes));
          break;
        case ITEM.end:
          await finishFile(file, sink, rows);
          file = undefined;
          ended = decodeEnd(bytes);
          break;
        default:
          throw damaged(`unknown item kind ${String(kind)}`);
      }
    }
    await sink.flush();
    if (
      ended === undefined ||
      state === undefined ||
      dsk === undefined ||
      body === undefined ||
      keystore === undefined
    ) {
      throw damaged('the backup has no end');
    }
    for (const key of Object.keys(counts) as (keyof Counts)[]) {
      if (counts[key] !== ended[key])
        throw damaged(`${key}: ${String(counts[key])} items, the end says ${String(ended[key])}`);
    }
    const keystoreBytes = keystore;
    await db.transaction('rw', db.keystore, async () => {
      await db.keystore.put({ k: 'k', bytes: keystoreBytes });
    });
    return { dsk, body, vaultId };
  } catch (error) {
    if (dsk !== undefined) wipe(dsk);
    if (body !== undefined) wipe(body.sigSeed, body.boxSeed, ...body.keyring);
    throw error;
  } finally {
    if (manifest !== undefined && body === undefined) wipe(...manifest.keyring);
    await reader.close();
  }
}

const damaged = (message: string): VaultError => new VaultError('backup_damaged', message);

/**
 * The backed-up log is validated from genesis and must be this vault's, sealed to this recovery key, reach the
 * manifest's head and commit to every epoch secret; then the recovery principal signs this browser's
 * `device-add` (§10.5) and the keystore is built around the restored keyring.
 */
function admitDevice(
  vaultId: Uint8Array,
  manifest: Manifest,
  entries: readonly Uint8Array[],
  recovery: Identity,
  device: Identity,
  seeds: { sigSeed: Uint8Array; boxSeed: Uint8Array },
  deps: RestoreDeps,
): {
  state: MembershipState;
  rows: RowSealer;
  dsk: Uint8Array;
  body: KeystoreBody;
  keystore: Uint8Array;
  entry: Uint8Array;
} {
  const result = validateLog(initialState({ vaultId, pinnedRelayPk: manifest.relayPk }), entries);
  if (!result.ok) throw damaged(`the backed-up log is refused: ${result.code}`);
  const logged = result.state;
  const head = logged.head;
  const recoveryPk = logged.principals[logged.recoveryIndex];
  if (
    head === null ||
    head.seq !== manifest.memberHeadSeq ||
    !equal(head.hash, manifest.memberHeadHash) ||
    !equal(entryHash(vaultId, entries[0] ?? new Uint8Array()), manifest.h0) ||
    recoveryPk?.boxPk === undefined ||
    recoveryPk.boxPk === null ||
    !equal(recoveryPk.boxPk, recovery.boxPk) ||
    !equal(recoveryPk.sigPk, recovery.sigPk) ||
    manifest.keyring.length !== logged.epoch + 1 ||
    manifest.keyring.some((secret, e) => {
      const info = logged.epochs[e];
      return info === undefined || !equal(epochCommitment(secret, vaultId, e), info.commitment);
    })
  ) {
    throw damaged('the backed-up log and keys do not agree');
  }
  const entry = signNextEntry(
    vaultId,
    head,
    {
      signer: logged.recoveryIndex,
      time: deps.clock.now(),
      body: { kind: 'device-add', person: 0, sigPk: device.sigPk, boxPk: device.boxPk },
    },
    recovery.sigSk,
  );
  const admitted = validateEntry(logged, entry);
  if (!admitted.ok) throw damaged(`the new device was refused: ${admitted.code}`);
  const deviceIndex = admitted.state.principals.findIndex((p) => equal(p.sigPk, device.sigPk));
  const body: KeystoreBody = {
    deviceIndex,
    sigSeed: seeds.sigSeed,
    boxSeed: seeds.boxSeed,
    relayOrigin: manifest.relayOrigin,
    relayPk: manifest.relayPk,
    h0: manifest.h0,
    memberHeadSeq: head.seq + 1,
    memberHeadHash: entryHash(vaultId, entry),
    accessHeadSeq: manifest.accessHeadSeq,
    accessHeadHash: manifest.accessHeadHash,
    keyring: [...manifest.keyring],
  };
  const created = createKeystoreWithKek({
    vaultId,
    kek: deps.kek.kek,
    salt: deps.kek.salt,
    params: deps.kek.params,
    recoveryBoxPk: recovery.boxPk,
    body,
    rng: (n) => deps.random.bytes(n),
  });
  return {
    entry,
    state: admitted.state,
    rows: createRowSealer(localStorageKey(created.dsk), vaultId),
    dsk: created.dsk,
    body,
    keystore: created.bytes,
  };
}

async function finishFile(
  file: { item: FileItem; next: number } | undefined,
  sink: ReturnType<typeof createSink>,
  rows: RowSealer | undefined,
): Promise<void> {
  if (file === undefined) return;
  if (rows === undefined || file.next !== rowCount(file.item.chunks) || file.item.chunks === 0) {
    throw damaged('a file is missing blob rows');
  }
  const hex = toHex(file.item.fileId);
  await sink.blobState(
    hex,
    toHex(file.item.recordId),
    rows.seal(
      'blobState',
      hex,
      encodeBlobState({
        size: file.item.size,
        chunks: file.item.chunks,
        complete: true,
        uploaded: false,
        recordId: file.item.recordId,
        blobId: file.item.blobId,
      }),
    ),
  );
}

/** Writes in batched transactions: one per ~2 MiB of rows, so a restore of 10,000 envelopes is not 10,000 commits. */
function createSink(db: VaultDb) {
  let envelopes: EnvelopeRow[] = [];
  let blobs: { blobId: string; index: number; bytes: Uint8Array }[] = [];
  let pending = 0;
  const LIMIT = 2 * 1024 * 1024;
  async function flush(): Promise<void> {
    if (envelopes.length === 0 && blobs.length === 0) return;
    const e = envelopes;
    const b = blobs;
    envelopes = [];
    blobs = [];
    pending = 0;
    await db.transaction('rw', db.envelopes, db.blobs, async () => {
      if (e.length > 0) await db.envelopes.bulkAdd(e);
      if (b.length > 0) await db.blobs.bulkAdd(b);
    });
  }
  async function maybeFlush(bytes: number): Promise<void> {
    pending += bytes;
    if (pending >= LIMIT) await flush();
  }
  return {
    flush,
    async membership(entries: readonly Uint8Array[]) {
      await db.transaction('rw', db.membership, async () => {
        await db.membership.bulkAdd(entries.map((bytes, seq) => ({ seq, bytes })));
      });
    },
    async access(seq: number, bytes: Uint8Array) {
      await db.access.add({ seq, bytes });
    },
    async envelope(row: EnvelopeRow) {
      envelopes.push(row);
      await maybeFlush(row.bytes.length);
    },
    async blob(blobId: string, index: number, bytes: Uint8Array) {
      blobs.push({ blobId, index, bytes });
      await maybeFlush(bytes.length);
    },
    async blobState(blobId: string, recordId: string, bytes: Uint8Array) {
      await flush();
      await db.blobState.put({ blobId, recordId, bytes });
    },
    async settings(bytes: Uint8Array) {
      await db.meta.put({ key: 'settings', bytes });
    },
  };
}

/** Passes the file's chunks through, counting bytes for the progress bar. */
function countBytes(stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.length);
        controller.enqueue(chunk);
      },
    }),
  );
}
