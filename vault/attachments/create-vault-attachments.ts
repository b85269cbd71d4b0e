import {
  attachmentChunkCount,
  ATTACHMENT_CHUNK_BYTES,
  CryptoError,
  decryptAttachment,
  encryptAttachment,
  fromHex,
  toHex,
  type ByteSource,
} from '#crypto';
import { clampUtf8, LIMITS, utf8Length } from '../records/limits.ts';
import type { AttachmentMeta } from '../records/record-schema.ts';
import { isVaultError, VaultError } from '../records/vault-error.ts';
import type { AttachmentStoreContext } from '../store/attachment-store-context.ts';
import type { AttachmentInputFile, ProgressListener, VaultAttachments } from '../vault-api.ts';
import { deleteBlobRows, readBlobRows, rowCount, writeBlobRows } from './blob-rows.ts';
import { decodeBlobState, encodeBlobState, type BlobState } from './blob-state.ts';
import { checkStructure, TAIL_BYTES } from './check-structure.ts';
import { collectOrphanBlobs } from './collect-orphan-blobs.ts';
import { createTextCheck, SNIFF_BYTES, sniffMediaType, type AttachmentMediaType } from './sniff-media-type.ts';

export type { AttachmentStoreContext };

export type VaultAttachmentStore = VaultAttachments & {
  /**
   * Removes the chunks of files that no record holds: an add that crashed before its state row, an add whose
   * record edit was lost, a removed attachment or a deleted record. Run at unlock; returns the files removed.
   */
  collectOrphans(): Promise<number>;
};

/**
 * The attachment store: files up to 100 MB encrypted as a secretstream in 64 KiB chunks (docs/PROTOCOL.md
 * §9) and written to IndexedDB a few chunks per transaction; reading decrypts chunk by chunk as a stream.
 *
 * @example
 * const attachments = createVaultAttachments({ db, vaultId, records, sealRow, openRow, random, report, loadRecord });
 * await attachments.collectOrphans();
 * const meta = await attachments.add(recordId, file, (p) => console.log(p.done, '/', p.total));
 * const response = new Response(attachments.open(recordId, meta.fileId));
 * const blob = await response.blob(); // errors with attachment_unreadable if any chunk was tampered with
 */
export function createVaultAttachments(ctx: AttachmentStoreContext): VaultAttachmentStore {
  const { db, records } = ctx;
  /** Files being written by this tab: their chunks have no state row yet and are not orphans. */
  const writing = new Set<string>();

  function sealState(fileId: string, state: BlobState): Uint8Array {
    return ctx.sealRow('blobState', fileId, encodeBlobState(state));
  }

  /** The state row of a file, opened and checked against its clear record column; undefined when absent. */
  async function readState(fileId: string, recordId: string): Promise<BlobState | undefined> {
    const row = await db.blobState.get(fileId);
    if (row === undefined) return undefined;
    if (!(row.bytes instanceof Uint8Array)) throw new VaultError('tampered_row', 'a blobState row holds no bytes');
    const state = decodeBlobState(ctx.openRow('blobState', fileId, row.bytes));
    if (row.recordId !== recordId || toHex(state.recordId) !== recordId) {
      throw new VaultError('tampered_row', 'a blobState row names another record');
    }
    return state;
  }

  async function add(
    recordId: string,
    file: AttachmentInputFile,
    onProgress?: ProgressListener,
  ): Promise<AttachmentMeta> {
    if (!Number.isSafeInteger(file.size) || file.size < 0) throw new VaultError('invalid_input', 'bad file size');
    if (file.size > LIMITS.attachmentBytes) {
      throw new VaultError('attachment_too_large', `files are limited to ${LIMITS.attachmentBytes} bytes`);
    }
    const mediaType = await checkContent(file);
    await ctx.loadRecord(recordId);
    // Refuse what addAttachmentMeta would refuse before writing 100 MB, not after.
    if (records.get(recordId).attachments.length >= LIMITS.attachments) {
      throw new VaultError('limit_exceeded', `a record holds at most ${LIMITS.attachments} attachments`);
    }
    const name = fileName(file.name);
    const fileId = records.newFileId();
    const key = ctx.random.bytes(32);
    const total = file.size;
    const context = { vaultId: ctx.vaultId, recordId: fromHex(recordId), fileId: fromHex(fileId), size: total };
    const blob = encryptAttachment(checkedSource(file, mediaType), key, context);
    writing.add(fileId);
    try {
      onProgress?.({ phase: 'write', done: 0, total });
      await writeBlobRows(db, fileId, blob, {
        onChunks: (chunks) =>
          onProgress?.({ phase: 'write', done: Math.min(total, chunks * ATTACHMENT_CHUNK_BYTES), total }),
        finish: (chunks) => ({
          recordId,
          bytes: sealState(fileId, {
            size: total,
            chunks,
            complete: true,
            uploaded: false,
            recordId: context.recordId,
            blobId: blob.blobId(),
          }),
        }),
      });
      return records.addAttachmentMeta(
        recordId,
        { name, mediaType, size: total, blobId: toHex(blob.blobId()) },
        // The document keeps the array it is given; ours is wiped below.
        { key: key.slice(), fileId },
      );
    } catch (error) {
      await deleteBlobRows(db, fileId).catch(() => undefined);
      throw asWriteError(error);
    } finally {
      writing.delete(fileId);
      key.fill(0);
    }
  }

  function open(recordId: string, fileId: string, onProgress?: ProgressListener): ReadableStream<Uint8Array> {
    let plain: AsyncGenerator<Uint8Array, void, undefined> | undefined;
    let done = 0;
    let total = 0;
    const unreadable = (cause: unknown, table: string): VaultError => {
      if (isVaultError(cause) && cause.code !== 'tampered_row') return cause;
      ctx.report({ code: 'tampered_row', table, recordId });
      return new VaultError('attachment_unreadable', `attachment ${fileId} failed to verify`, { cause });
    };
    return new ReadableStream<Uint8Array>({
      start: async () => {
        await ctx.loadRecord(recordId);
        const meta = records.get(recordId).attachments.find((item) => item.fileId === fileId);
        const key = records.attachmentKey(recordId, fileId);
        if (meta === undefined) throw new VaultError('item_not_found', `no attachment ${fileId} in ${recordId}`);
        if (key === undefined) throw new VaultError('attachment_unreadable', `attachment ${fileId} has no key`);
        let state: BlobState | undefined;
        try {
          state = await readState(fileId, recordId);
        } catch (error) {
          throw unreadable(error, 'blobState');
        }
        if (state === undefined || !state.complete) {
          // Not on this device (yet): nothing was tampered with, there is just nothing to read.
          throw new VaultError('attachment_unreadable', `attachment ${fileId} is not stored on this device`);
        }
        total = meta.size;
        const context = { vaultId: ctx.vaultId, recordId: fromHex(recordId), fileId: fromHex(fileId), size: total };
        // The size and blob id come from the signed record, not from the local row: a swapped blob fails.
        const rows = readBlobRows(db, fileId, rowCount(attachmentChunkCount(total)));
        plain = decryptAttachment(
          rows,
          key,
          context,
          meta.blobId === '' ? {} : { expectedBlobId: fromHex(meta.blobId) },
        );
        onProgress?.({ phase: 'read', done, total });
      },
      pull: async (controller) => {
        if (plain === undefined) return;
        let next: IteratorResult<Uint8Array, void>;
        try {
          next = await plain.next();
        } catch (error) {
          throw unreadable(error, 'blobs');
        }
        if (next.done === true) {
          controller.close();
          return;
        }
        done += next.value.length;
        controller.enqueue(next.value);
        onProgress?.({ phase: 'read', done, total });
      },
      cancel: async () => {
        await plain?.return();
      },
    });
  }

  async function remove(recordId: string, fileId: string): Promise<void> {
    await ctx.loadRecord(recordId);
    records.removeAttachmentMeta(recordId, fileId);
    // Best effort: chunks left behind by a failure here have no record any more and are collected at unlock.
    await deleteBlobRows(db, fileId).catch(() => undefined);
  }

  return {
    add,
    open,
    remove,
    collectOrphans: () =>
      collectOrphanBlobs({
        db,
        writing,
        report: (problem) => ctx.report(problem),
        readState,
        async isReferenced(recordId, fileId) {
          await ctx.loadRecord(recordId);
          return records.get(recordId).attachments.some((item) => item.fileId === fileId);
        },
      }),
  };
}

/** The sniffed media type, after the size-independent structural checks. */
async function checkContent(file: AttachmentInputFile): Promise<AttachmentMediaType> {
  const headLength = Math.min(file.size, SNIFF_BYTES);
  const head = new Uint8Array(await file.slice(0, headLength).arrayBuffer());
  const mediaType = sniffMediaType(head, headLength === file.size);
  if (mediaType === undefined) {
    throw new VaultError('attachment_type_not_allowed', 'only PDF, PNG, JPEG, WebP, GIF, SVG and plain text files');
  }
  const tailStart = Math.max(0, file.size - TAIL_BYTES);
  const tail = tailStart === 0 ? head : new Uint8Array(await file.slice(tailStart, file.size).arrayBuffer());
  checkStructure(mediaType, head, tail, file.size);
  return mediaType;
}

/** The file's stream; plain text is checked as it streams (valid UTF-8, no binary control) beyond the sniffed head. */
function checkedSource(file: AttachmentInputFile, mediaType: AttachmentMediaType): ByteSource {
  if (mediaType !== 'text/plain') return file.stream();
  return (async function* () {
    const check = createTextCheck();
    for await (const chunk of file.stream()) {
      if (!check.update(chunk)) throw new VaultError('attachment_type_not_allowed', 'a text file holds binary data');
      yield chunk;
    }
    if (!check.end()) throw new VaultError('attachment_type_not_allowed', 'a text file ends inside a character');
  })();
}

/** A name the record schema accepts: never empty, at most 255 bytes of UTF-8, keeping a short extension. */
function fileName(name: string): string {
  const trimmed = name.trim() === '' ? 'file' : name.trim();
  if (utf8Length(trimmed) <= LIMITS.fileNameBytes) return trimmed;
  const dot = trimmed.lastIndexOf('.');
  const extension = dot > 0 && trimmed.length - dot <= 10 ? trimmed.slice(dot) : '';
  return (
    clampUtf8(trimmed.slice(0, trimmed.length - extension.length), LIMITS.fileNameBytes - utf8Length(extension)) +
    extension
  );
}

/** The error `add` throws for a failure while writing: quota becomes `quota_exceeded`. */
function asWriteError(error: unknown): unknown {
  if (isVaultError(error)) return error;
  if (isQuotaError(error))
    return new VaultError('quota_exceeded', 'the browser refused to store more', { cause: error });
  if (error instanceof CryptoError && error.code === 'bad_argument') {
    return new VaultError('attachment_corrupt', 'the file changed while it was read', { cause: error });
  }
  return error;
}

/** A QuotaExceededError, also when Dexie wraps it (an aborted transaction's `inner`, a bulk error's failures). */
function isQuotaError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, inner, cause, failures } = error as {
    name?: unknown;
    inner?: unknown;
    cause?: unknown;
    failures?: unknown;
  };
  if (name === 'QuotaExceededError') return true;
  const nested = [inner, cause, ...(Array.isArray(failures) ? (failures as unknown[]) : [])];
  return nested.some((item) => isQuotaError(item, depth + 1));
}
