// The `blobs` and `blobState` tables (docs/PROTOCOL.md §18.1), for one attachment at a time.
//
// Rows are keyed by the file id (hex), not by the blob id: the blob id hashes the whole ciphertext, so it is
// known only after the last chunk, and re-keying 100 MB at the end would double the writes. The Dexie
// column is still named `blobId`; the blob id itself is stored inside the sealed `blobState` value and in the
// record's attachment metadata (the content address sync will use).
import type { BlobChunkRow, VaultDb } from '../store/vault-db.ts';
import { VaultError } from '../records/vault-error.ts';

/**
 * Secretstream chunks per row: rows of ~1 MiB. Chromium's IndexedDB pays per row, not per byte: reading 100 MB
 * as 1 MiB rows measured about three times faster than as 64 KiB rows (7 s against 17–25 s on this machine),
 * and writing faster too, while memory stays bounded to a row or two.
 */
export const CHUNKS_PER_ROW = 16;

/** Rows a blob of `chunks` secretstream chunks occupies. */
export function rowCount(chunks: number): number {
  return Math.ceil(chunks / CHUNKS_PER_ROW);
}

/**
 * Writes a blob's ciphertext as rows of {@link CHUNKS_PER_ROW} secretstream chunks, the 26-byte prefix leading
 * row 0 (§18.1), one strict transaction per row. The last row is written together with the `blobState` row
 * that `finish` returns (called once the source is drained, when the blob id is known), in one transaction
 * that first checks every row is still there: a file is either complete or has no state.
 */
export async function writeBlobRows(
  db: VaultDb,
  fileKey: string,
  ciphertext: AsyncIterable<Uint8Array>,
  options: {
    onChunks(written: number): void;
    finish(chunks: number): { recordId: string; bytes: Uint8Array };
  },
): Promise<number> {
  let pieces: Uint8Array[] = [];
  let chunks = 0;
  let rows = 0;
  let prefix = true;
  for await (const piece of ciphertext) {
    pieces.push(piece);
    if (prefix) {
      prefix = false; // the prefix is not a chunk: it joins chunk 0 in row 0
      continue;
    }
    chunks++;
    if (chunks % CHUNKS_PER_ROW === 0) {
      const row: BlobChunkRow = { blobId: fileKey, index: rows, bytes: join(pieces) };
      pieces = [];
      await db.transaction('rw', db.blobs, async () => {
        await db.blobs.add(row);
      });
      rows++;
      options.onChunks(chunks);
    }
  }
  const state = options.finish(chunks);
  await db.transaction('rw', db.blobs, db.blobState, async () => {
    if (pieces.length > 0) await db.blobs.add({ blobId: fileKey, index: rows, bytes: join(pieces) });
    const stored = await db.blobs.where('blobId').equals(fileKey).count();
    if (stored !== rowCount(chunks)) {
      throw new VaultError('attachment_unreadable', 'rows vanished while the file was written');
    }
    await db.blobState.add({ blobId: fileKey, recordId: state.recordId, bytes: state.bytes });
  });
  options.onChunks(chunks);
  return chunks;
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The stored rows of a blob in order, the next one read while the current one is decrypted. It stops at the
 * first gap or malformed row, and yields the row past `rows` if there is one, so the decryptor sees exactly
 * what is stored and reports truncation (`stream_truncated`) or extra rows (`stream_trailing`) itself.
 */
export async function* readBlobRows(db: VaultDb, fileKey: string, rows: number): AsyncGenerator<Uint8Array> {
  const read = (index: number): Promise<BlobChunkRow | undefined> => {
    const pending = db.blobs.where({ blobId: fileKey, index }).first();
    pending.catch(() => undefined); // handled when awaited; not an unhandled rejection if we stop early
    return pending;
  };
  let next = read(0);
  for (let index = 0; index <= rows; index++) {
    const row = await next;
    // Rows read back from IndexedDB are untrusted input: anything unexpected ends the stream here.
    if (row === undefined || row.index !== index || !(row.bytes instanceof Uint8Array)) return;
    if (index < rows) next = read(index + 1);
    yield row.bytes;
  }
}

/** Deletes every row and the state row of one file, in one transaction. */
export async function deleteBlobRows(db: VaultDb, fileKey: string): Promise<void> {
  await db.transaction('rw', db.blobs, db.blobState, async () => {
    await db.blobs.where('blobId').equals(fileKey).delete();
    await db.blobState.delete(fileKey);
  });
}
