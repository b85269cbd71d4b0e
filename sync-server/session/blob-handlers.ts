import { BlobHasher, equal, toHex } from '#crypto';
import type { ClientFrame } from '#protocol';
import { mayRead, mayWrite } from './record-access.ts';
import { relayFrame } from './relay-frame.ts';
import { refuse } from './wire-error.ts';
import type { SessionContext } from './session-context.ts';

/** Largest blob: a 100 MB attachment plus its stream overhead (26 + 17 bytes per 64 KiB). */
export const MAX_BLOB_BYTES = 101 * 1024 * 1024;

/** Uploads in progress on one connection: the running `H(D("carnet/v1/blob-id") ‖ blob)` of each. */
export type BlobUploads = Map<string, { hasher: BlobHasher; received: number }>;

function authenticated(ctx: SessionContext): NonNullable<SessionContext['auth']> {
  if (ctx.auth === undefined) refuse('not_authenticated', 'authenticate first');
  return ctx.auth;
}

/** BLOB_PUT: announce an upload; ACK(size) when the blob is already stored (content-addressed), ACK(0) to start. */
export async function handleBlobPut(
  ctx: SessionContext,
  uploads: BlobUploads,
  rid: number,
  frame: Extract<ClientFrame, { type: 'BLOB_PUT' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  if (!mayWrite(vault.membership, principal) || !mayRead(vault.membership, principal, frame.recordId))
    refuse('forbidden', 'no right to this record');
  const size = Number(frame.size);
  if (size > MAX_BLOB_BYTES || size < 2) refuse('too_large', 'blob size out of range');
  const existing = await ctx.store.blob(vault.vaultId, frame.blobId);
  if (existing?.complete === true) {
    ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: existing.size }));
    return;
  }
  if (vault.usedBytes + size > ctx.limits.vaultQuotaBytes) refuse('quota_exceeded', 'vault quota reached');
  await ctx.disk.check();
  await ctx.store.startBlob(vault.vaultId, frame.blobId, frame.recordId, size);
  uploads.set(toHex(frame.blobId), { hasher: new BlobHasher(), received: 0 });
  ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: 0 }));
}

/** BLOB_CHUNK: chunks in order; the last one is committed only if the whole blob hashes to its id. */
export async function handleBlobChunk(
  ctx: SessionContext,
  uploads: BlobUploads,
  rid: number,
  frame: Extract<ClientFrame, { type: 'BLOB_CHUNK' }>,
): Promise<void> {
  const { vault } = authenticated(ctx);
  const key = toHex(frame.blobId);
  const upload = uploads.get(key);
  const info = await ctx.store.blob(vault.vaultId, frame.blobId);
  if (upload === undefined || info === undefined || info.complete)
    refuse('unknown_blob', 'announce the blob with BLOB_PUT first');
  const offset = Number(frame.offset);
  if (offset !== upload.received) refuse('bad_frame', 'chunks must arrive in order', { expected: upload.received });
  if (offset + frame.bytes.length > info.size) refuse('too_large', 'chunk beyond the announced size');
  await ctx.disk.check();
  upload.hasher.update(frame.bytes);
  upload.received += frame.bytes.length;
  const complete = upload.received === info.size;
  if (complete) {
    uploads.delete(key);
    if (!equal(upload.hasher.digest(), frame.blobId)) {
      await ctx.store.discardBlob(vault.vaultId, frame.blobId);
      refuse('blob_hash_mismatch', 'uploaded bytes do not hash to the blob id');
    }
  }
  await ctx.store.appendBlobChunk(vault.vaultId, frame.blobId, offset, frame.bytes, complete);
  vault.usedBytes += frame.bytes.length;
  if (complete) ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: info.size }));
}

/** BLOB_GET: streams BLOB_DATA frames, waiting for the socket to drain between chunks (no unbounded queue). */
export async function handleBlobGet(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'BLOB_GET' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  const info = await ctx.store.blob(vault.vaultId, frame.blobId);
  if (info?.complete !== true) refuse('unknown_blob', 'no such blob');
  if (!mayRead(vault.membership, principal, info.recordId)) refuse('forbidden', 'no right to this blob');
  for await (const chunk of ctx.store.blobChunks(vault.vaultId, frame.blobId, Number(frame.offset))) {
    const final = chunk.offset + chunk.bytes.length >= info.size;
    ctx.sendFrame(
      relayFrame(rid, {
        type: 'BLOB_DATA',
        blobId: frame.blobId,
        offset: BigInt(chunk.offset),
        final,
        bytes: chunk.bytes,
      }),
    );
    if (!(await ctx.drained())) return;
  }
}
