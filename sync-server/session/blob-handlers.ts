import { BlobHasher, equal, toHex } from '#crypto';
import type { ClientFrame } from '#protocol';
import type { VaultHandle } from '../hub/vault-hub.ts';
import { mayRead, mayWrite, readsRecords } from './record-access.ts';
import { relayFrame } from './relay-frame.ts';
import { refuse } from './wire-error.ts';
import type { SessionContext } from './session-context.ts';

/** Largest blob: a 100 MB attachment plus its stream overhead (26 + 17 bytes per 64 KiB). */
export const MAX_BLOB_BYTES = 101 * 1024 * 1024;

/** An upload in progress: whose it is and the quota it holds back (issue 12 item 6). */
interface Upload {
  principal: number;
  size: number;
  /** Announced bytes not stored yet, held out of the quota so parallel uploads cannot overshoot it. */
  reserved: number;
  touchedAt: number;
}

/** Uploads in progress per vault, whichever socket they came on: a cut socket's upload resumes on the next. */
interface Ledger {
  uploads: Map<string, Upload>;
  reserved: number;
}

/** An upload idle this long gives its reservation back (its stored bytes stay, and it resumes when announced). */
const IDLE_UPLOAD_MS = 10 * 60 * 1000;

const ledgers = new WeakMap<VaultHandle, Ledger>();

function ledgerOf(vault: VaultHandle, now: number): Ledger {
  let ledger = ledgers.get(vault);
  if (ledger === undefined) {
    ledger = { uploads: new Map(), reserved: 0 };
    ledgers.set(vault, ledger);
  }
  for (const [key, upload] of ledger.uploads)
    if (now - upload.touchedAt > IDLE_UPLOAD_MS) {
      ledger.reserved -= upload.reserved;
      ledger.uploads.delete(key);
    }
  return ledger;
}

function release(ledger: Ledger, key: string): void {
  const upload = ledger.uploads.get(key);
  if (upload === undefined) return;
  ledger.reserved -= upload.reserved;
  ledger.uploads.delete(key);
}

/** Bytes reserved by uploads in progress, for quota checks outside blobs. */
export function reservedBytes(vault: VaultHandle): number {
  return ledgers.get(vault)?.reserved ?? 0;
}

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
    const ledger = ledgerOf(vault, ctx.clock.now());
    const existing = await ctx.store.blob(vault.vaultId, frame.blobId);
    if (existing?.complete === true) {
      ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: existing.size }));
      return;
    }
    const current = ledger.uploads.get(key);
    // Resume: the same principal (or, after a restart, the first to come back) with the same size.
    const resume =
      existing !== undefined && existing.size === size && (current === undefined || current.principal === principal);
    const stored = resume ? existing.received : 0;
    release(ledger, key);
    if (vault.usedBytes + ledger.reserved + (size - stored) > ctx.limits.vaultQuotaBytes)
      refuse('quota_exceeded', 'vault quota reached');
    await ctx.disk.check();
    if (!resume) {
      // startBlob clears an unfinished upload's chunks and gives their bytes back: so does the counter here.
      await ctx.store.startBlob(vault.vaultId, frame.blobId, frame.recordId, size);
      vault.usedBytes -= existing?.received ?? 0;
    }
    ledger.uploads.set(key, { principal, size, reserved: size - stored, touchedAt: ctx.clock.now() });
    ledger.reserved += size - stored;
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
    const ledger = ledgerOf(vault, ctx.clock.now());
    const upload = ledger.uploads.get(key);
    const info = await ctx.store.blob(vault.vaultId, frame.blobId);
    if (upload?.principal !== principal || info === undefined || info.complete)
      refuse('unknown_blob', 'announce the blob with BLOB_PUT first');
    mayUpload(vault, principal, info.recordId);
    const offset = Number(frame.offset);
    if (offset !== info.received) refuse('bad_frame', 'chunks must arrive in order', { expected: info.received });
    if (offset + frame.bytes.length > info.size) refuse('too_large', 'chunk beyond the announced size');
    if (frame.bytes.length > upload.reserved || vault.usedBytes + ledger.reserved > ctx.limits.vaultQuotaBytes)
      refuse('quota_exceeded', 'vault quota reached');
    await ctx.disk.check();
    const complete = offset + frame.bytes.length === info.size;
    if (complete) {
      const hasher = new BlobHasher();
      for await (const chunk of ctx.store.blobChunks(vault.vaultId, frame.blobId, 0)) hasher.update(chunk.bytes);
      hasher.update(frame.bytes);
      if (!equal(hasher.digest(), frame.blobId)) {
        await ctx.store.discardBlob(vault.vaultId, frame.blobId);
        vault.usedBytes -= info.received;
        release(ledger, key);
        refuse('blob_hash_mismatch', 'uploaded bytes do not hash to the blob id');
      }
    }
    await ctx.store.appendBlobChunk(vault.vaultId, frame.blobId, offset, frame.bytes, complete);
    vault.usedBytes += frame.bytes.length;
    upload.reserved -= frame.bytes.length;
    ledger.reserved -= frame.bytes.length;
    upload.touchedAt = ctx.clock.now();
    if (complete) {
      release(ledger, key);
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
