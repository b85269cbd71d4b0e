import { describe, expect, it } from 'vitest';
import { isVaultError, type VaultErrorCode } from '#vault';
import type { BlobChunkRow } from '#vault/store/vault-db';
import { attachmentHarness, inputFile, readAll, textBytes, type AttachmentHarness } from './attachments-support.ts';

/** 40 secretstream chunks: three rows of 16, 16 and 8 chunks (vault/attachments/blob-rows.ts). */
const SIZE = 40 * 65_536 - 1_000;
const ROWS = 3;
const CHUNK = 65_553;
const PREFIX = 26;

async function readError(
  h: AttachmentHarness,
  fileId: string,
): Promise<{ code: VaultErrorCode | 'none'; got: number }> {
  let got = 0;
  try {
    await readAll(h.store.open(h.recordId, fileId, (p) => (got = p.done)));
    return { code: 'none', got };
  } catch (error) {
    if (!isVaultError(error)) throw error;
    return { code: error.code, got };
  }
}

async function row(h: AttachmentHarness, fileId: string, index: number): Promise<BlobChunkRow> {
  const found = await h.db.blobs.where({ blobId: fileId, index }).first();
  if (found === undefined) throw new Error(`no row ${String(index)}`);
  return found;
}

describe('vault attachments: tampered storage', () => {
  it('stores the 40 chunks as three rows, the prefix leading the first', async () => {
    const h = await attachmentHarness();
    const meta = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'notes.txt'));
    const rows = await h.db.blobs.where('blobId').equals(meta.fileId).sortBy('index');
    expect(rows.map((r) => r.bytes.length)).toEqual([PREFIX + 16 * CHUNK, 16 * CHUNK, SIZE - 32 * 65_536 + 8 * 17]);
  });

  it('errors the stream and reports a flipped bit in a chunk', async () => {
    const h = await attachmentHarness();
    const meta = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'notes.txt'));
    const second = await row(h, meta.fileId, 1);
    const at = 2 * CHUNK + 100; // inside chunk 18
    second.bytes[at] = (second.bytes[at] ?? 0) ^ 1;
    await h.db.blobs.put(second);

    const outcome = await readError(h, meta.fileId);
    expect(outcome.code).toBe('attachment_unreadable');
    expect(outcome.got).toBe(18 * 65_536); // the chunks before it verified; the caller discards them
    expect(h.problems).toEqual([{ code: 'tampered_row', table: 'blobs', recordId: h.recordId }]);
  });

  it.each([
    [
      'a missing row',
      async (h: AttachmentHarness, fileId: string) => {
        await h.db.blobs.where({ blobId: fileId, index: 1 }).delete();
      },
    ],
    [
      'a missing last row',
      async (h: AttachmentHarness, fileId: string) => {
        await h.db.blobs.where({ blobId: fileId, index: ROWS - 1 }).delete();
      },
    ],
    [
      'the last chunk cut off',
      async (h: AttachmentHarness, fileId: string) => {
        const last = await row(h, fileId, ROWS - 1);
        await h.db.blobs.put({ ...last, bytes: last.bytes.slice(0, 7 * CHUNK) });
      },
    ],
    [
      'two rows swapped',
      async (h: AttachmentHarness, fileId: string) => {
        const [a, b] = [await row(h, fileId, 1), await row(h, fileId, 2)];
        await h.db.blobs.bulkPut([
          { ...a, bytes: b.bytes },
          { ...b, bytes: a.bytes },
        ]);
      },
    ],
    [
      'two chunks swapped inside a row',
      async (h: AttachmentHarness, fileId: string) => {
        const second = await row(h, fileId, 1);
        const bytes = second.bytes.slice();
        bytes.set(second.bytes.subarray(3 * CHUNK, 4 * CHUNK), 2 * CHUNK);
        bytes.set(second.bytes.subarray(2 * CHUNK, 3 * CHUNK), 3 * CHUNK);
        await h.db.blobs.put({ ...second, bytes });
      },
    ],
    [
      'an extra row after the final one',
      async (h: AttachmentHarness, fileId: string) => {
        await h.db.blobs.add({ blobId: fileId, index: ROWS, bytes: new Uint8Array(100) });
      },
    ],
    [
      'a row that is not bytes',
      async (h: AttachmentHarness, fileId: string) => {
        await h.db.blobs.put({ blobId: fileId, index: 0, bytes: 'oops' as unknown as Uint8Array });
      },
    ],
  ])('errors on %s', async (_name, tamper) => {
    const h = await attachmentHarness();
    const meta = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'notes.txt'));
    await tamper(h, meta.fileId);
    expect((await readError(h, meta.fileId)).code).toBe('attachment_unreadable');
    expect(h.problems).toEqual([{ code: 'tampered_row', table: 'blobs', recordId: h.recordId }]);
  });

  it('refuses the chunks of another file moved under this one (other key, other blob id)', async () => {
    const h = await attachmentHarness();
    const a = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'a.txt'));
    const b = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'b.txt'));
    const rows = await h.db.blobs.where('blobId').equals(b.fileId).toArray();
    await h.db.blobs.bulkPut(rows.map((row) => ({ ...row, blobId: a.fileId })));
    expect((await readError(h, a.fileId)).code).toBe('attachment_unreadable');
    expect(await readAll(h.store.open(h.recordId, b.fileId))).toHaveLength(SIZE);
  });

  it('reports a tampered state row, and one moved to another file', async () => {
    const h = await attachmentHarness();
    const a = await h.store.add(h.recordId, inputFile(textBytes(10), 'a.txt'));
    const b = await h.store.add(h.recordId, inputFile(textBytes(10), 'b.txt'));
    const stateA = await h.db.blobState.get(a.fileId);
    if (stateA === undefined) throw new Error('no state');
    await h.db.blobState.put({ ...stateA, blobId: b.fileId });
    expect((await readError(h, b.fileId)).code).toBe('attachment_unreadable');
    expect(h.problems).toEqual([{ code: 'tampered_row', table: 'blobState', recordId: h.recordId }]);
  });

  it('says unreadable, without reporting tampering, when the file is not on this device', async () => {
    const h = await attachmentHarness();
    const meta = await h.store.add(h.recordId, inputFile(textBytes(10), 'a.txt'));
    await h.db.blobState.clear();
    await h.db.blobs.clear();
    expect((await readError(h, meta.fileId)).code).toBe('attachment_unreadable');
    expect(h.problems).toEqual([]);
  });
});

describe('vault attachments: orphans', () => {
  it('collects chunks written before a crash (no state row) and keeps complete files', async () => {
    const h = await attachmentHarness();
    const kept = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'kept.txt'));
    const crashed = h.records.newFileId();
    await h.db.blobs.bulkAdd([0, 1].map((index) => ({ blobId: crashed, index, bytes: new Uint8Array(16 * CHUNK) })));

    expect(await h.store.collectOrphans()).toBe(1);
    expect(await h.counts()).toEqual({ blobs: ROWS, states: 1 });
    expect(await readAll(h.store.open(h.recordId, kept.fileId))).toHaveLength(SIZE);
    expect(await h.store.collectOrphans()).toBe(0);
  });

  it('collects files no record holds: attachment gone from the record, record deleted', async () => {
    const h = await attachmentHarness();
    const dropped = await h.store.add(h.recordId, inputFile(textBytes(SIZE), 'dropped.txt'));
    const other = h.records.create({ category: 'prescription', title: 'Ordonnance', date: '2024-04-01' });
    await h.store.add(other.id, inputFile(textBytes(SIZE), 'in-deleted-record.txt'));
    const kept = await h.store.add(h.recordId, inputFile(textBytes(10), 'kept.txt'));
    // The edit removing the attachment was saved but the chunks were not deleted (a crash, a closed tab).
    h.records.removeAttachmentMeta(h.recordId, dropped.fileId);
    h.records.remove(other.id);

    expect(await h.store.collectOrphans()).toBe(2);
    expect(await h.counts()).toEqual({ blobs: 1, states: 1 });
    expect((await h.db.blobState.toArray()).map((row) => row.blobId)).toEqual([kept.fileId]);
  });

  it('leaves a file alone while this tab is writing it', async () => {
    const h = await attachmentHarness();
    let collected: Promise<number> | undefined;
    const meta = await h.store.add(h.recordId, inputFile(textBytes(3 * 1024 * 1024), 'big.txt'), ({ done }) => {
      if (done > 0 && collected === undefined) collected = h.store.collectOrphans();
    });
    expect(await collected).toBe(0);
    expect(await readAll(h.store.open(h.recordId, meta.fileId))).toHaveLength(3 * 1024 * 1024);
  });

  it('keeps a file whose state row is tampered with, and reports it', async () => {
    const h = await attachmentHarness();
    const meta = await h.store.add(h.recordId, inputFile(textBytes(10), 'a.txt'));
    const state = await h.db.blobState.get(meta.fileId);
    if (state === undefined) throw new Error('no state');
    state.bytes[10] = (state.bytes[10] ?? 0) ^ 1;
    await h.db.blobState.put(state);
    expect(await h.store.collectOrphans()).toBe(0);
    expect(await h.counts()).toEqual({ blobs: 1, states: 1 });
    expect(h.problems).toEqual([{ code: 'tampered_row', table: 'blobState', recordId: h.recordId }]);
  });
});
