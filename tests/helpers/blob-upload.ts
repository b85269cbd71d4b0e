// Blob uploads and downloads over the relay protocol (PROTOCOL.md §9, §12.2), for relay tests that need blobs
// as fixtures or race two uploads: chunks are pipelined, as a real client sends them.
import { randomBytes } from 'node:crypto';
import { equal, hashWithDomain } from '#crypto';
import type { RelayClient, Reply } from './relay-client.ts';

export interface TestBlob {
  bytes: Uint8Array;
  id: Uint8Array;
}

/** `size` random bytes and their blob id (node's generator: these bytes need no secrecy). */
export function testBlob(size: number): TestBlob {
  const bytes = new Uint8Array(randomBytes(size));
  return { bytes, id: hashWithDomain('carnet/v1/blob-id', bytes) };
}

/**
 * An answer that comes only once every earlier frame of this socket was handled: the relay handles one
 * connection's frames in order, and a non-final BLOB_CHUNK is answered only when refused.
 */
export function barrier(client: RelayClient): Promise<Reply> {
  return client.request({ type: 'MEMBER_GET', sinceSeq: 2 ** 31 });
}

/**
 * Sends the chunks of `blob` from `from` on, `chunk` bytes each, without waiting between them; answers the
 * reply to the last chunk, or the first refusal of any.
 */
export async function sendChunks(client: RelayClient, blob: TestBlob, from: number, chunk: number): Promise<Reply> {
  const replies: Promise<Reply>[] = [];
  for (let offset = from; offset < blob.bytes.length; offset += chunk) {
    const bytes = blob.bytes.subarray(offset, Math.min(offset + chunk, blob.bytes.length));
    replies.push(client.request({ type: 'BLOB_CHUNK', blobId: blob.id, offset: BigInt(offset), bytes }));
  }
  const never = new Promise<Reply>(() => undefined);
  const refusals = replies.map((r) => r.then((x) => (x.type === 'error' ? x : never)));
  return Promise.race([replies.at(-1) ?? never, ...refusals]);
}

/** BLOB_PUT then the chunks from the offset the relay answers; the last chunk's reply, or the first refusal. */
export async function uploadBlob(
  client: RelayClient,
  recordId: Uint8Array,
  blob: TestBlob,
  chunk = 1024,
): Promise<Reply> {
  const size = BigInt(blob.bytes.length);
  const start = await client.request({ type: 'BLOB_PUT', blobId: blob.id, recordId, size });
  if (start.type !== 'ACK' || start.value === blob.bytes.length) return start;
  return sendChunks(client, blob, start.value, chunk);
}

/** BLOB_GET from 0: the whole blob as served, or the refusal. */
export async function downloadBlob(client: RelayClient, blobId: Uint8Array): Promise<Uint8Array | Reply> {
  const first = await client.request({ type: 'BLOB_GET', blobId, offset: 0n });
  if (first.type !== 'BLOB_DATA') return first;
  const parts = [first.bytes];
  let final = first.final;
  while (!final) {
    // Later BLOB_DATA frames come without a waiting request, among whatever else the relay pushes (NOTICE).
    const next = await client.nextPush();
    if (next.type !== 'BLOB_DATA' || !equal(next.blobId, blobId)) continue;
    parts.push(next.bytes);
    final = next.final;
  }
  return new Uint8Array(Buffer.concat(parts));
}
