// PROTOCOL.md §18.6: a backup file is a 146-byte clear header whose seal hands the file key F to the recovery
// principal, then a secretstream under F. The header is the seal's context, so a changed vault id, time or
// recipient fails to open; each chunk's AD carries its index and only the last chunk is final, so a flipped,
// reordered, dropped or truncated chunk is caught. Both directions hold one 64 KiB chunk at a time.
import type { StateAddress } from 'libsodium-wrappers-sumo';
import { concat, domain, equal, u64be } from './bytes.ts';
import { ID_BYTES, KEY_BYTES, TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { type ByteSource, ChunkReader } from './chunk-reader.ts';
import { openSeal, seal, SEAL_OVERHEAD } from './seal.ts';
import { type Rng, sodium, systemRng } from './sodium.ts';
import { wipeState } from './wipe-stream-state.ts';

/** `CARNETBK`: a person or a tool can tell what the file is. */
export const BACKUP_MAGIC = new Uint8Array([0x43, 0x41, 0x52, 0x4e, 0x45, 0x54, 0x42, 0x4b]);
/** Magic, version, type, vault id, time, recovery box key: what the seal binds. */
export const BACKUP_HEADER_BYTES = 66;
/** Header, sealed file key, secretstream header: where the chunks start. */
export const BACKUP_PREFIX_BYTES = BACKUP_HEADER_BYTES + SEAL_OVERHEAD + KEY_BYTES + 24;
export const BACKUP_CHUNK_BYTES = 65_536;
const CHUNK_OVERHEAD = 17;
const PURPOSE = 'carnet/v1/seal/backup';

/** What the clear header says: shown before the recovery key is typed. */
export interface BackupHeader {
  readonly vaultId: Uint8Array;
  /** ms since the epoch. */
  readonly writtenAt: number;
  /** The recovery principal's box key the file key is sealed to (which kit opens the file). */
  readonly recoveryBoxPk: Uint8Array;
}

/**
 * Encrypt a backup's plaintext (any chunking) into the file's bytes: the prefix, then one chunk per 64 KiB.
 *
 * @example
 * for await (const bytes of encryptBackup(items, { vaultId, writtenAt: Date.now(), recoveryBoxPk })) sink.write(bytes);
 */
export async function* encryptBackup(
  source: ByteSource,
  header: BackupHeader,
  rng: Rng = systemRng,
): AsyncGenerator<Uint8Array, void, undefined> {
  const clear = encodeHeader(header);
  const s = sodium();
  const fileKey = rng(KEY_BYTES);
  const reader = new ChunkReader(source);
  let state: StateAddress | undefined;
  try {
    const sealed = seal(header.recoveryBoxPk, PURPOSE, clear, fileKey, rng);
    const init = s.crypto_secretstream_xchacha20poly1305_init_push(fileKey);
    state = init.state;
    yield concat(clear, sealed, init.header);
    const ad = chunkAd();
    for (let i = 0; ; i++) {
      const plain = await reader.read(BACKUP_CHUNK_BYTES);
      const last = await reader.atEnd();
      ad.setIndex(i);
      const tag = last
        ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      yield s.crypto_secretstream_xchacha20poly1305_push(state, plain, ad.bytes, tag);
      if (last) return;
    }
  } finally {
    if (state !== undefined) wipeState(s, state);
    s.memzero(fileKey);
    await reader.close();
  }
}

/** Parse the clear header (the first {@link BACKUP_HEADER_BYTES} bytes); nothing in it is trusted until the seal opens. */
export function parseBackupHeader(bytes: Uint8Array): BackupHeader {
  if (bytes.length < BACKUP_HEADER_BYTES) throw new CryptoError('stream_truncated', 'shorter than a backup header');
  if (!equal(bytes.subarray(0, 8), BACKUP_MAGIC)) throw new CryptoError('unknown_type', 'not a Carnet backup');
  if (bytes[8] !== VERSION) throw new CryptoError('unknown_version', 'backup version');
  if (bytes[9] !== TYPE.backup) throw new CryptoError('unknown_type', 'not a Carnet backup');
  const time = new DataView(bytes.buffer, bytes.byteOffset + 26, 8).getBigUint64(0);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new CryptoError('bad_encoding', 'backup time out of range');
  return {
    vaultId: bytes.slice(10, 10 + ID_BYTES),
    writtenAt: Number(time),
    recoveryBoxPk: bytes.slice(34, 66),
  };
}

/**
 * Decrypt a backup file into its plaintext, chunk by chunk. Each yielded chunk is authenticated, but the
 * plaintext is whole only when iteration ends without an error: the consumer undoes what it did on any error.
 *
 * Errors: `stream_truncated`, `unknown_type`, `unknown_version` (header); `wrong_context` (the file is sealed to
 * another recovery key); `decrypt_failed` (the seal does not open: a changed header or a wrong key);
 * `stream_bad_chunk` (a chunk fails authentication); `stream_truncated` (no final chunk); `stream_trailing`.
 */
export async function* decryptBackup(
  source: ByteSource,
  recovery: { readonly boxPk: Uint8Array; readonly boxSk: Uint8Array },
): AsyncGenerator<Uint8Array, void, undefined> {
  const s = sodium();
  const reader = new ChunkReader(source);
  let state: StateAddress | undefined;
  let fileKey: Uint8Array | undefined;
  try {
    const prefix = await reader.read(BACKUP_PREFIX_BYTES);
    const header = parseBackupHeader(prefix);
    if (prefix.length < BACKUP_PREFIX_BYTES) throw new CryptoError('stream_truncated', 'backup ends in its header');
    if (!equal(header.recoveryBoxPk, recovery.boxPk)) {
      throw new CryptoError('wrong_context', 'the backup is sealed to another recovery key');
    }
    const clear = prefix.subarray(0, BACKUP_HEADER_BYTES);
    const sealed = prefix.subarray(BACKUP_HEADER_BYTES, BACKUP_HEADER_BYTES + SEAL_OVERHEAD + KEY_BYTES);
    fileKey = openSeal(recovery.boxPk, recovery.boxSk, PURPOSE, clear, sealed);
    state = s.crypto_secretstream_xchacha20poly1305_init_pull(prefix.subarray(BACKUP_PREFIX_BYTES - 24), fileKey);
    const ad = chunkAd();
    for (let i = 0; ; i++) {
      const chunk = await reader.read(BACKUP_CHUNK_BYTES + CHUNK_OVERHEAD);
      if (chunk.length < CHUNK_OVERHEAD) throw new CryptoError('stream_truncated', 'backup ends before its last chunk');
      ad.setIndex(i);
      let opened: { message: Uint8Array; tag: number } | false;
      try {
        opened = s.crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad.bytes);
      } catch (cause) {
        throw new CryptoError('stream_bad_chunk', 'backup chunk failed authentication', { cause });
      }
      if (opened === false) throw new CryptoError('stream_bad_chunk', 'backup chunk failed authentication');
      const final = opened.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      if (!final && opened.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        s.memzero(opened.message);
        throw new CryptoError('stream_bad_chunk', 'backup chunk tag out of place');
      }
      // A short chunk can only be the last one: anything else means the file was cut.
      if (!final && chunk.length !== BACKUP_CHUNK_BYTES + CHUNK_OVERHEAD) {
        s.memzero(opened.message);
        throw new CryptoError('stream_truncated', 'backup ends before its last chunk');
      }
      if (final && !(await reader.atEnd())) {
        s.memzero(opened.message);
        throw new CryptoError('stream_trailing', 'bytes after the final chunk');
      }
      yield opened.message;
      if (final) return;
    }
  } finally {
    if (state !== undefined) wipeState(s, state);
    if (fileKey !== undefined) s.memzero(fileKey);
    await reader.close();
  }
}

function encodeHeader(header: BackupHeader): Uint8Array {
  if (header.vaultId.length !== ID_BYTES) throw new CryptoError('bad_argument', 'vault id must be 16 bytes');
  if (header.recoveryBoxPk.length !== KEY_BYTES) throw new CryptoError('bad_argument', 'box key must be 32 bytes');
  if (!Number.isSafeInteger(header.writtenAt) || header.writtenAt < 0) {
    throw new CryptoError('bad_argument', 'backup time must be a non-negative integer');
  }
  return concat(
    BACKUP_MAGIC,
    new Uint8Array([VERSION, TYPE.backup]),
    header.vaultId,
    u64be(BigInt(header.writtenAt)),
    header.recoveryBoxPk,
  );
}

/** `D("carnet/v1/ad/backup") ‖ u64be index`, rewritten in place per chunk. */
function chunkAd(): { bytes: Uint8Array; setIndex(i: number): void } {
  const prefix = domain('carnet/v1/ad/backup');
  const bytes = new Uint8Array(prefix.length + 8);
  bytes.set(prefix);
  const view = new DataView(bytes.buffer);
  return {
    bytes,
    setIndex(i) {
      view.setBigUint64(prefix.length, BigInt(i));
    },
  };
}
