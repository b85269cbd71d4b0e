// A real attachment store over fake-indexeddb (a fresh IDBFactory per test), a real records model, and LSK
// rows sealed with crypto's local-row functions under a random LSK.
import { readFileSync } from 'node:fs';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLocalRow, ready, sealLocalRow, toHex } from '#crypto';
import { createRecordsModel, systemRandom, VaultError, type RecordsModel } from '#vault';
import { createVaultAttachments, type VaultAttachmentStore } from '#vault/attachments/index';
import { openVaultDb, type VaultDb } from '#vault/store/vault-db';
import type { AttachmentInputFile, StoreProblem } from '#vault/vault-api';
import { manualClock } from './support.ts';

export interface AttachmentHarness {
  db: VaultDb;
  store: VaultAttachmentStore;
  records: RecordsModel;
  /** A record to attach to. */
  recordId: string;
  problems: StoreProblem[];
  /** Rows in `blobs` and `blobState`. */
  counts(): Promise<{ blobs: number; states: number }>;
}

export async function attachmentHarness(): Promise<AttachmentHarness> {
  await ready();
  const vaultId = systemRandom.bytes(16);
  const lsk = systemRandom.bytes(32);
  const db = openVaultDb(toHex(vaultId), { indexedDB: new IDBFactory(), IDBKeyRange });
  const records = createRecordsModel({ clock: manualClock(), random: systemRandom, author: 2 });
  const problems: StoreProblem[] = [];
  const where = (table: string, key: string) => ({ vaultId, table, primaryKey: new TextEncoder().encode(key) });
  const store = createVaultAttachments({
    db,
    vaultId,
    records,
    sealRow: (table, key, value) => sealLocalRow(lsk, where(table, key), value),
    openRow: (table, key, bytes) => {
      try {
        return openLocalRow(lsk, where(table, key), bytes);
      } catch (cause) {
        throw new VaultError('tampered_row', `${table} row failed to open`, { cause });
      }
    },
    random: systemRandom,
    report: (problem) => problems.push(problem),
    loadRecord: (id) => Promise.resolve(records.get(id)),
  });
  const { id: recordId } = records.create({ category: 'lab-result', title: 'Bilan sanguin', date: '2024-03-05' });
  return {
    db,
    store,
    records,
    recordId,
    problems,
    counts: async () => ({ blobs: await db.blobs.count(), states: await db.blobState.count() }),
  };
}

/** A file as the browser hands it over (a File's stream and slice), from bytes. */
export function inputFile(
  bytes: Uint8Array,
  name = 'file.bin',
  mediaType = 'application/octet-stream',
): AttachmentInputFile {
  const blob = new Blob([new Uint8Array(bytes)]);
  return {
    name,
    mediaType,
    size: bytes.length,
    stream: () => blob.stream(),
    slice: (start, end) => blob.slice(start, end),
  };
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/attachments/${name}`, import.meta.url)));
}

/** Every byte of a stream, or its error. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Deterministic text of `size` bytes (ASCII, so any prefix is valid UTF-8). */
export function textBytes(size: number): Uint8Array {
  const line = new TextEncoder().encode('Hemoglobine glyquee 6.1 pourcent; creatinine 80 umol/L\n');
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += line.length) out.set(line.subarray(0, Math.min(line.length, size - at)), at);
  return out;
}
