// The `blobs` and `blobState` tables (docs/PROTOCOL.md §18.1), for one attachment at a time.
//
// Rows are keyed by the file id (hex), not by the blob id: the blob id hashes the whole ciphertext, so it is
// known only after the last chunk, and re-keying 100 MB at the end would double the writes. The Dexie
// column is still named `blobId`; the blob id itself is stored inside the sealed `blobState` value and in the
// record's attachment metadata (the content address sync will use).
import type { BlobChunkRow, VaultDb } from '../store/vault-db.ts';
import { VaultError } from '../records/vault-error.ts';

/** Chunks per transaction while writing (and per read while streaming): ~1 MiB, so memory stays bounded. */
export const CHUNKS_PER_BATCH = 16;

/**
 * Writes a blob's ciphertext as one row per secretstream chunk, the 26-byte prefix joined to chunk 0 (§18.1),
 * in strict transactions of {@link CHUNKS_PER_BATCH} rows. The last rows are written together with the
 * `blobState` row that `finish` returns (called once the source is drained, when the blob id is known), in one
 * transaction that first checks every chunk is still there: a file is either complete or has no state.
 */
export async function writeBlobRows(
  db: VaultDb,
  fileKey: string,
  ciphertext: AsyncIterable<Uint8Array>,
  options: {
    onRows(written: number): void;
    finish(chunks: number): { recordId: string; bytes: Uint8Array };
  },
): Promise<number> {
  let prefix: Uint8Array | undefined;
  let batch: BlobChunkRow[] = [];
  let index = 0;
  for await (const piece of ciphertext) {
    if (index === 0 && prefix === undefined) {
      prefix = piece;
      continue;
    }
    const bytes = index === 0 && prefix !== undefined ? join(prefix, piece) : piece;
    batch.push({ blobId: fileKey, index, bytes });
    index++;
    if (batch.length === CHUNKS_PER_BATCH) {
      const rows = batch;
      batch = [];
      await db.transaction('rw', db.blobs, async () => {
        await db.blobs.bulkAdd(rows);
      });
      options.onRows(index);
    }
  }
  const chunks = index;
  const state = options.finish(chunks);
  await db.transaction('rw', db.blobs, db.blobState, async () => {
    if (batch.length > 0) await db.blobs.bulkAdd(batch);
    const stored = await db.blobs.where('blobId').equals(fileKey).count();
    if (stored !== chunks) throw new VaultError('attachment_unreadable', 'chunks vanished while the file was written');
    await db.blobState.add({ blobId: fileKey, recordId: state.recordId, bytes: state.bytes });
  });
  options.onRows(chunks);
  return chunks;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The stored rows of a blob in order, read {@link CHUNKS_PER_BATCH} at a time. It stops at the first gap or
 * malformed row, and yields one row past `chunks` if there is one, so the decryptor sees exactly what is
 * stored and reports truncation (`stream_truncated`) or extra rows (`stream_trailing`) itself.
 */
export async function* readBlobRows(db: VaultDb, fileKey: string, chunks: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start <= chunks; start += CHUNKS_PER_BATCH) {
    // The last round (start = chunks rounded down) also asks for the row after the final chunk.
    const end = Math.min(chunks + 1, start + CHUNKS_PER_BATCH);
    const rows = await db.blobs
      .where('[blobId+index]')
      .between([fileKey, start], [fileKey, end], true, false)
      .toArray();
    for (const [offset, row] of rows.entries()) {
      // Rows read back from IndexedDB are untrusted input: anything unexpected ends the stream here.
      if (row.index !== start + offset || !(row.bytes instanceof Uint8Array)) return;
      yield row.bytes;
    }
    if (rows.length < end - start) return;
  }
}

/** Deletes every chunk and the state row of one file, in one transaction. */
export async function deleteBlobRows(db: VaultDb, fileKey: string): Promise<void> {
  await db.transaction('rw', db.blobs, db.blobState, async () => {
    await db.blobs.where('blobId').equals(fileKey).delete();
    await db.blobState.delete(fileKey);
  });
}
