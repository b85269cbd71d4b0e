// Helpers for the attachment-stream tests: fixed contexts, deterministic plaintext, and one function that runs a
// decryption to the end and reports either the plaintext or the CryptoError code (anything else is a crash).
import fc from 'fast-check';
import { decryptAttachment, encryptAttachment, type AttachmentContext } from '#crypto/attachment-stream';
import { isCryptoError, type CryptoErrorCode } from '#crypto/crypto-error';
import { sodium } from '#crypto/sodium';

export const LONG = process.env.CARNET_LONG === '1';

/** A seed for fast-check and sampled cases: CARNET_SEED to replay, else fresh; always printed. */
export function testSeed(name: string): number {
  const seed = process.env.CARNET_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.CARNET_SEED);
  console.log(`${name}: seed ${seed} (replay with CARNET_SEED=${seed})`);
  return seed;
}

/** `length` bytes from a seed (not secret; reproducible). */
export function seededBytes(length: number, seed: number): Uint8Array {
  const seed32 = new Uint8Array(32);
  new DataView(seed32.buffer).setUint32(0, seed >>> 0);
  return sodium().randombytes_buf_deterministic(length, seed32);
}

export function context(size: number, fileByte = 0xf1): AttachmentContext {
  return {
    vaultId: new Uint8Array(16).fill(0xa1),
    recordId: new Uint8Array(16).fill(0xb1),
    fileId: new Uint8Array(16).fill(fileByte),
    size,
  };
}

/** Encrypt in one go; returns the blob as its chunks (prefix, then each secretstream chunk) and the blob id. */
export async function encryptToChunks(
  plain: Uint8Array,
  key: Uint8Array,
  ctx: AttachmentContext,
): Promise<{ chunks: Uint8Array[]; blobId: Uint8Array }> {
  const blob = encryptAttachment([plain], key, ctx);
  const chunks: Uint8Array[] = [];
  for await (const chunk of blob) chunks.push(chunk);
  return { chunks, blobId: blob.blobId() };
}

/** Byte equality without vitest's element-by-element deep compare, which is far too slow for 64 KiB arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

export function join(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export type Outcome = { ok: true; plain: Uint8Array } | { ok: false; code: CryptoErrorCode; yielded: Uint8Array };

/**
 * Decrypt to the end. A CryptoError becomes `{ ok: false, code }` with whatever plaintext was yielded before it
 * (tests check it is a genuine prefix); any other exception propagates, so a crash fails the test.
 */
export async function decryptAll(
  source: Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  key: Uint8Array,
  ctx: AttachmentContext,
  expectedBlobId?: Uint8Array,
): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  try {
    const options = expectedBlobId === undefined ? {} : { expectedBlobId };
    for await (const chunk of decryptAttachment(source, key, ctx, options)) parts.push(chunk);
    return { ok: true, plain: join(parts) };
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return { ok: false, code: error.code, yielded: join(parts) };
  }
}

/** Re-cut bytes into pieces of the given sizes (cycled), as a network or file reader would deliver them. */
export function* recut(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = sizes.length === 0 ? bytes.length : Math.max(1, sizes[i++ % sizes.length] ?? 1);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** Sizes that matter for 64 KiB chunking, and anything up to five chunks. */
export const attachmentSize = fc.oneof(
  fc.constantFrom(0, 1, 65_535, 65_536, 65_537, 131_071, 131_072, 131_073, 3 * 65_536),
  fc.integer({ min: 0, max: 5 * 65_536 + 17 }),
);
