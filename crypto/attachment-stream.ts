// PROTOCOL.md §9: an attachment blob is `0x01 ‖ 0x20 ‖ secretstream header ‖ chunks`, each 64 KiB of
// plaintext pushed with crypto_secretstream_xchacha20poly1305 under the file's own key A_f. Each chunk's
// associated data names the vault, record, file, plaintext size and chunk index, and only the last chunk
// carries TAG_FINAL: a relay that truncates, reorders, swaps or flips anything is caught (the MEGA-style
// malleable chunking the security brief warns about). Both directions hold one chunk at a time.
import { domain, equal, u64be } from './bytes.ts';
import { ID_BYTES, KEY_BYTES, TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { type ByteSource, ChunkReader } from './chunk-reader.ts';
import type { StateAddress } from 'libsodium-wrappers-sumo';
import { type Sodium, sodium } from './sodium.ts';
import { wipeState } from './wipe-stream-state.ts';

/** Plaintext bytes per chunk. */
export const ATTACHMENT_CHUNK_BYTES = 65_536;
/** `0x01 ‖ 0x20 ‖ header(24)`. */
export const ATTACHMENT_PREFIX_BYTES = 26;
/** Per-chunk overhead of secretstream: 1 tag byte + 16-byte MAC. */
export const ATTACHMENT_CHUNK_OVERHEAD = 17;
const HEADER_BYTES = 24;
/** Chunk indices are u32 in the AD. */
const MAX_CHUNKS = 0x1_0000_0000;

/** What binds a blob to its place: the AD of every chunk (§9). */
export interface AttachmentContext {
  readonly vaultId: Uint8Array;
  readonly recordId: Uint8Array;
  readonly fileId: Uint8Array;
  /** Plaintext size in bytes, from the signed record content when decrypting. */
  readonly size: number;
}

/** The ciphertext chunks of one blob; {@link EncryptedAttachment.blobId} once iteration has finished. */
export interface EncryptedAttachment extends AsyncIterable<Uint8Array> {
  /** `blob_id = H(D("carnet/v1/blob-id") ‖ blob)`; `bad_argument` before the last chunk was produced. */
  blobId(): Uint8Array;
}

/** Number of secretstream chunks for a plaintext size: at least one, because the empty file has a final chunk. */
export function attachmentChunkCount(size: number): number {
  checkSize(size);
  return Math.max(1, Math.ceil(size / ATTACHMENT_CHUNK_BYTES));
}

/** Exact blob size for a plaintext size: 26 + size + 17 per chunk. */
export function attachmentBlobSize(size: number): number {
  return ATTACHMENT_PREFIX_BYTES + size + ATTACHMENT_CHUNK_OVERHEAD * attachmentChunkCount(size);
}

/**
 * Encrypt a file under `key` (A_f, 32 random bytes) as a blob, chunk by chunk. The source may yield chunks of
 * any size; it must yield exactly `context.size` bytes (`bad_argument` otherwise: the file changed while read).
 * Set `hashBlobId: false` only where the blob id is not needed (it costs a BLAKE2b pass over the blob).
 *
 * @example
 * const blob = encryptAttachment(file.stream(), key, { vaultId, recordId, fileId, size: file.size });
 * for await (const chunk of blob) await store.append(chunk);
 * const blobId = blob.blobId();
 */
export function encryptAttachment(
  source: ByteSource,
  key: Uint8Array,
  context: AttachmentContext,
  options: { hashBlobId?: boolean } = {},
): EncryptedAttachment {
  checkKeyAndContext(key, context);
  const hasher = options.hashBlobId === false ? undefined : new BlobHasher();
  let blobId: Uint8Array | undefined;
  return {
    async *[Symbol.asyncIterator]() {
      const s = sodium();
      const reader = new ChunkReader(source);
      const count = attachmentChunkCount(context.size);
      const ad = chunkAd(context);
      const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
      try {
        const prefix = new Uint8Array(ATTACHMENT_PREFIX_BYTES);
        prefix[0] = VERSION;
        prefix[1] = TYPE.blob;
        prefix.set(header, 2);
        hasher?.update(prefix);
        yield prefix;
        for (let i = 0; i < count; i++) {
          const last = i === count - 1;
          const want = last ? context.size - i * ATTACHMENT_CHUNK_BYTES : ATTACHMENT_CHUNK_BYTES;
          const plain = await reader.read(want);
          if (plain.length !== want) throw new CryptoError('bad_argument', 'source shorter than the declared size');
          ad.setIndex(i);
          const tag = last
            ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
          const chunk = s.crypto_secretstream_xchacha20poly1305_push(state, plain, ad.bytes, tag);
          hasher?.update(chunk);
          yield chunk;
        }
        if (!(await reader.atEnd())) throw new CryptoError('bad_argument', 'source longer than the declared size');
        blobId = hasher?.digest();
      } finally {
        wipeState(s, state);
        await reader.close();
      }
    },
    blobId() {
      if (blobId === undefined) {
        throw new CryptoError(
          'bad_argument',
          hasher ? 'blob id read before the blob was complete' : 'blob id not hashed',
        );
      }
      return blobId;
    },
  };
}

/**
 * Decrypt a blob chunk by chunk. Every yielded chunk is authenticated before it is yielded, but the file is
 * complete and genuine only when iteration ends without an error: on any CryptoError the consumer discards
 * what it received (the vault writes to a temporary and commits at the end).
 *
 * Errors: `unknown_version`, `unknown_type` (prefix); `stream_truncated` (the blob ends before the size
 * implies, or the last chunk is not final); `stream_bad_chunk` (a chunk fails authentication: a flipped bit,
 * reordered chunks, a chunk of another file, another key or context; or a wrong tag); `stream_trailing`
 * (bytes after the final chunk); `bad_commitment` (`expectedBlobId` given and the blob hashes otherwise).
 */
export async function* decryptAttachment(
  source: ByteSource,
  key: Uint8Array,
  context: AttachmentContext,
  options: { expectedBlobId?: Uint8Array } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  checkKeyAndContext(key, context);
  const s = sodium();
  const reader = new ChunkReader(source);
  const hasher = options.expectedBlobId === undefined ? undefined : new BlobHasher();
  let state: StateAddress | undefined;
  try {
    const prefix = await reader.read(ATTACHMENT_PREFIX_BYTES);
    if (prefix.length < ATTACHMENT_PREFIX_BYTES)
      throw new CryptoError('stream_truncated', 'blob shorter than its header');
    if (prefix[0] !== VERSION) throw new CryptoError('unknown_version', 'blob version');
    if (prefix[1] !== TYPE.blob) throw new CryptoError('unknown_type', 'not an attachment blob');
    hasher?.update(prefix);
    state = s.crypto_secretstream_xchacha20poly1305_init_pull(prefix.subarray(2, 2 + HEADER_BYTES), key);
    const count = attachmentChunkCount(context.size);
    const ad = chunkAd(context);
    for (let i = 0; i < count; i++) {
      const last = i === count - 1;
      const plainLength = last ? context.size - i * ATTACHMENT_CHUNK_BYTES : ATTACHMENT_CHUNK_BYTES;
      const want = plainLength + ATTACHMENT_CHUNK_OVERHEAD;
      const chunk = await reader.read(want);
      if (chunk.length !== want) throw new CryptoError('stream_truncated', 'blob ends before its last chunk');
      hasher?.update(chunk);
      ad.setIndex(i);
      const opened = pull(s, state, chunk, ad.bytes);
      const expected = last
        ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      if (opened.tag !== expected) {
        s.memzero(opened.message);
        // Only a holder of A_f can produce an authentic wrong tag; a missing final tag still means "not finished".
        throw new CryptoError(last ? 'stream_truncated' : 'stream_bad_chunk', 'chunk tag out of place');
      }
      yield opened.message;
    }
    if (!(await reader.atEnd())) throw new CryptoError('stream_trailing', 'bytes after the final chunk');
    if (hasher !== undefined && options.expectedBlobId !== undefined) {
      if (!equal(hasher.digest(), options.expectedBlobId)) {
        throw new CryptoError('bad_commitment', 'blob does not match its blob id');
      }
    }
  } finally {
    if (state !== undefined) wipeState(s, state);
    await reader.close();
  }
}

function pull(s: Sodium, state: StateAddress, chunk: Uint8Array, ad: Uint8Array): { message: Uint8Array; tag: number } {
  let result: { message: Uint8Array; tag: number } | false;
  try {
    result = s.crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad);
  } catch (cause) {
    throw new CryptoError('stream_bad_chunk', 'chunk failed authentication', { cause });
  }
  if (result === false) throw new CryptoError('stream_bad_chunk', 'chunk failed authentication');
  return result;
}

/**
 * `ad_i = D("carnet/v1/ad/attachment") ‖ 0x01 0x20 ‖ vault_id ‖ record_id ‖ file_id ‖ u64be(size) ‖ u32be(i)`,
 * built once per blob; only the last four bytes change per chunk.
 */
function chunkAd(context: AttachmentContext): { bytes: Uint8Array; setIndex(i: number): void } {
  const head = domain('carnet/v1/ad/attachment');
  const bytes = new Uint8Array(head.length + 2 + 3 * ID_BYTES + 8 + 4);
  let at = 0;
  for (const part of [
    head,
    Uint8Array.of(VERSION, TYPE.blob),
    context.vaultId,
    context.recordId,
    context.fileId,
    u64be(BigInt(context.size)),
  ]) {
    bytes.set(part, at);
    at += part.length;
  }
  const view = new DataView(bytes.buffer);
  return {
    bytes,
    setIndex: (i) => {
      view.setUint32(at, i);
    },
  };
}

/** Incremental `H(D("carnet/v1/blob-id") ‖ blob)`: the blob id while streaming, here and on the relay. */
export class BlobHasher {
  readonly #state = sodium().crypto_generichash_init(null, 32);

  constructor() {
    this.update(domain('carnet/v1/blob-id'));
  }

  update(bytes: Uint8Array): void {
    sodium().crypto_generichash_update(this.#state, bytes);
  }

  digest(): Uint8Array {
    return sodium().crypto_generichash_final(this.#state, 32);
  }
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || Math.ceil(size / ATTACHMENT_CHUNK_BYTES) > MAX_CHUNKS) {
    throw new CryptoError('bad_argument', 'attachment size out of range');
  }
}

function checkKeyAndContext(key: Uint8Array, context: AttachmentContext): void {
  if (key.length !== KEY_BYTES) throw new CryptoError('bad_argument', 'an attachment key is 32 bytes');
  for (const id of [context.vaultId, context.recordId, context.fileId]) {
    if (id.length !== ID_BYTES) throw new CryptoError('bad_argument', 'vault, record and file ids are 16 bytes');
  }
  checkSize(context.size);
}
