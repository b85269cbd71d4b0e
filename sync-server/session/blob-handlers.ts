import { BlobHasher, equal, toHex } from '#crypto';
import type { ClientFrame } from '#protocol';
import type { VaultHandle } from '../hub/vault-hub.ts';
import { mayRead, mayWrite, readsRecords } from './record-access.ts';
import { relayFrame } from './relay-frame.ts';
import { requireRoom } from './quota.ts';
import { refuse } from './wire-error.ts';
import type { SessionContext } from './session-context.ts';

/** Largest blob: a 100 MB attachment plus its stream overhead (26 + 17 bytes per 64 KiB). */
export const MAX_BLOB_BYTES = 101 * 1024 * 1024;

/**
 * Checked under the vault lock, where the membership is the one the write commits against: a frame that waited
 * for the lock while its sender was removed (or the record deleted) stores nothing.
 */
function mayUpload(vault: VaultHandle, principal: number, recordId: Uint8Array): void {
  if (!mayWrite(vault.membership, principal) || !mayRead(vault.membership, principal, recordId))
    refuse('forbidden', 'no right to this record');
}

function authenticated(ctx: SessionContext): NonNullable<SessionContext['auth']> {
  if (ctx.auth === undefined) refuse('not_authenticated', 'authenticate first');
  return ctx.auth;
}

/**
 * BLOB_PUT: ACK(size) when the blob is already stored (content-addressed); otherwise the upload is this
 * principal's and the answer is ACK(offset to send from): 0 for a new upload, the stored offset when the same
 * principal resumes one. Another principal's announce restarts the upload as its own. The unsent rest of the
 * size is reserved out of the quota.
 */
export async function handleBlobPut(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'BLOB_PUT' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  const size = Number(frame.size);
  if (size > MAX_BLOB_BYTES || size < 2) refuse('too_large', 'blob size out of range');
  await vault.lock.run(async () => {
    mayUpload(vault, principal, frame.recordId);
    const key = toHex(frame.blobId);
    const ledger = vault.uploads;
    ledger.sweep(ctx.clock.now());
    const existing = await ctx.store.blob(vault.vaultId, frame.blobId);
    if (existing?.complete === true) {
      ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: existing.size }));
      return;
    }
    const current = ledger.get(key);
    // Resume: the same principal (or, after a restart, the first to come back) with the same size.
    const resume =
      existing !== undefined && existing.size === size && (current === undefined || current.principal === principal);
    const stored = resume ? existing.received : 0;
    ledger.release(key);
    requireRoom(ctx, vault, size - stored);
    await ctx.disk.check();
    if (!resume) {
      // startBlob clears an unfinished upload's chunks and gives their bytes back: so does the counter here.
      await ctx.store.startBlob(vault.vaultId, frame.blobId, frame.recordId, size);
      vault.usedBytes -= existing?.received ?? 0;
    }
    ledger.start(key, { principal, size, reserved: size - stored, touchedAt: ctx.clock.now() });
    ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: stored }));
  });
}

/**
 * BLOB_CHUNK: chunks in order from the upload's principal, each within its reservation; the last one is
 * committed (and the blob marked complete) only if the stored bytes and it, read back from the store, hash to
 * the blob id. A mismatch drops the upload and gives every byte back.
 */
export async function handleBlobChunk(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'BLOB_CHUNK' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  await vault.lock.run(async () => {
    const key = toHex(frame.blobId);
    const ledger = vault.uploads;
    ledger.sweep(ctx.clock.now());
    const upload = ledger.get(key);
    const info = await ctx.store.blob(vault.vaultId, frame.blobId);
    if (upload?.principal !== principal || info === undefined || info.complete)
      refuse('unknown_blob', 'announce the blob with BLOB_PUT first');
    mayUpload(vault, principal, info.recordId);
    const offset = Number(frame.offset);
    if (offset !== info.received) refuse('bad_frame', 'chunks must arrive in order', { expected: info.received });
    if (offset + frame.bytes.length > info.size) refuse('too_large', 'chunk beyond the announced size');
    // The chunk is inside its reservation, and the vault (reservations included) is still inside its quota.
    if (frame.bytes.length > upload.reserved) refuse('quota_exceeded', 'vault quota reached');
    requireRoom(ctx, vault, 0);
    await ctx.disk.check();
    const complete = offset + frame.bytes.length === info.size;
    if (complete) {
      const hasher = new BlobHasher();
      for await (const chunk of ctx.store.blobChunks(vault.vaultId, frame.blobId, 0)) hasher.update(chunk.bytes);
      hasher.update(frame.bytes);
      if (!equal(hasher.digest(), frame.blobId)) {
        await ctx.store.discardBlob(vault.vaultId, frame.blobId);
        vault.usedBytes -= info.received;
        ledger.release(key);
        refuse('blob_hash_mismatch', 'uploaded bytes do not hash to the blob id');
      }
    }
    await ctx.store.appendBlobChunk(vault.vaultId, frame.blobId, offset, frame.bytes, complete);
    vault.usedBytes += frame.bytes.length;
    ledger.consume(upload, frame.bytes.length, ctx.clock.now());
    if (complete) {
      ledger.release(key);
      ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: info.size }));
    }
  });
}

/** BLOB_GET: streams BLOB_DATA frames, waiting for the socket to drain between chunks (no unbounded queue). */
export async function handleBlobGet(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'BLOB_GET' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  // Before the lookup: a principal that reads no record must not learn which blob ids exist either.
  if (!readsRecords(vault.membership, principal)) refuse('forbidden', 'this principal reads no records');
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
