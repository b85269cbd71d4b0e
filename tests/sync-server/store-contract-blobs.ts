import { expect } from 'vitest';
import { bytes, collect, GENESIS_BYTES, id, newVault, text, type ContractContext } from './store-contract-fixtures.ts';

/** Encrypted attachments stored by chunks (PROTOCOL.md §12.2 BLOB_PUT / BLOB_CHUNK / BLOB_GET). */
export function blobContract(ctx: ContractContext): void {
  const { test } = ctx;

  /** A vault with one blob uploaded as 'aaaa' | 'bbbb' | 'cc' (10 bytes), complete or not. */
  async function uploaded(complete: boolean) {
    const store = ctx.store();
    const [vaultId, blobId, recordId] = [await newVault(store), id(32), id()];
    await store.startBlob(vaultId, blobId, recordId, 10);
    await store.appendBlobChunk(vaultId, blobId, 0, bytes('aaaa'), false);
    await store.appendBlobChunk(vaultId, blobId, 4, bytes('bbbb'), false);
    await store.appendBlobChunk(vaultId, blobId, 8, bytes('cc'), complete);
    return { store, vaultId, blobId, recordId };
  }
  const chunks = async (ctxBlob: Awaited<ReturnType<typeof uploaded>>, offset: number) =>
    (await collect(ctxBlob.store.blobChunks(ctxBlob.vaultId, ctxBlob.blobId, offset))).map(
      (c) => [c.offset, text(c.bytes)] as const,
    );

  test('starts a blob, appends chunks, marks it complete and counts its bytes', async () => {
    const store = ctx.store();
    const [vaultId, blobId, recordId] = [await newVault(store), id(32), id()];
    expect(await store.blob(vaultId, blobId)).toBeUndefined();
    await store.startBlob(vaultId, blobId, recordId, 6);
    expect(await store.blob(vaultId, blobId)).toEqual({ recordId, size: 6, received: 0, complete: false });
    await store.appendBlobChunk(vaultId, blobId, 0, bytes('abc'), false);
    expect(await store.blob(vaultId, blobId)).toEqual({ recordId, size: 6, received: 3, complete: false });
    await store.appendBlobChunk(vaultId, blobId, 3, bytes('def'), true);
    expect(await store.blob(vaultId, blobId)).toEqual({ recordId, size: 6, received: 6, complete: true });
    expect(await store.vault(vaultId)).toEqual({ rv: 0, usedBytes: GENESIS_BYTES + 6 });
    expect(await store.blob(id(), blobId)).toBeUndefined();
  });

  test('streams chunks in order from the start or from a chunk offset, and stops early on demand', async () => {
    const blob = await uploaded(true);
    expect(await chunks(blob, 0)).toEqual([
      [0, 'aaaa'],
      [4, 'bbbb'],
      [8, 'cc'],
    ]);
    expect(await chunks(blob, 4)).toEqual([
      [4, 'bbbb'],
      [8, 'cc'],
    ]);
    expect(await chunks(blob, 10)).toEqual([]);
    const first: string[] = [];
    for await (const chunk of blob.store.blobChunks(blob.vaultId, blob.blobId, 0)) {
      first.push(text(chunk.bytes));
      break;
    }
    expect(first).toEqual(['aaaa']);
    expect(await collect(blob.store.blobChunks(blob.vaultId, id(32), 0))).toEqual([]);
  });

  test('pages chunks one at a time: a chunk committed while streaming is served too', async () => {
    const blob = await uploaded(false);
    const seen: number[] = [];
    for await (const chunk of blob.store.blobChunks(blob.vaultId, blob.blobId, 0)) {
      seen.push(chunk.offset);
      if (chunk.offset === 8) await blob.store.appendBlobChunk(blob.vaultId, blob.blobId, 10, bytes('late'), false);
    }
    expect(seen).toEqual([0, 4, 8, 10]);
  });

  test('discards an upload: chunks gone, bytes given back, other blobs untouched', async () => {
    const blob = await uploaded(false);
    const { store, vaultId } = blob;
    const keep = id(32);
    await store.startBlob(vaultId, keep, blob.recordId, 3);
    await store.appendBlobChunk(vaultId, keep, 0, bytes('kkk'), true);
    expect((await store.vault(vaultId))?.usedBytes).toBe(GENESIS_BYTES + 13);
    await store.discardBlob(vaultId, blob.blobId);
    expect(await store.blob(vaultId, blob.blobId)).toBeUndefined();
    expect(await chunks(blob, 0)).toEqual([]);
    expect((await store.vault(vaultId))?.usedBytes).toBe(GENESIS_BYTES + 3);
    expect((await store.blob(vaultId, keep))?.complete).toBe(true);
    await store.discardBlob(vaultId, id(32));
    expect((await store.vault(vaultId))?.usedBytes).toBe(GENESIS_BYTES + 3);
  });

  test('restarting an unfinished upload clears its chunks and gives its bytes back to the quota', async () => {
    const blob = await uploaded(false);
    await blob.store.startBlob(blob.vaultId, blob.blobId, blob.recordId, 10);
    expect(await blob.store.blob(blob.vaultId, blob.blobId)).toMatchObject({ received: 0, complete: false });
    expect(await chunks(blob, 0)).toEqual([]);
    expect((await blob.store.vault(blob.vaultId))?.usedBytes).toBe(GENESIS_BYTES + 0);
  });

  test('restarting an unfinished upload takes the new record and size: nothing of the earlier announce sticks', async () => {
    const blob = await uploaded(false);
    const other = id();
    await blob.store.startBlob(blob.vaultId, blob.blobId, other, 4);
    expect(await blob.store.blob(blob.vaultId, blob.blobId)).toEqual({
      recordId: other,
      size: 4,
      received: 0,
      complete: false,
    });
  });

  test('starting a blob that is already stored keeps it whole', async () => {
    const blob = await uploaded(true);
    await blob.store.startBlob(blob.vaultId, blob.blobId, blob.recordId, 10);
    expect(await blob.store.blob(blob.vaultId, blob.blobId)).toMatchObject({ received: 10, complete: true });
    expect((await chunks(blob, 0)).map(([, b]) => b).join('')).toBe('aaaabbbbcc');
    expect((await blob.store.vault(blob.vaultId))?.usedBytes).toBe(GENESIS_BYTES + 10);
  });
}
