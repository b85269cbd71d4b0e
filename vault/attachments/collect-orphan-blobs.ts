// Chunks nobody will ever read again waste the device's storage (up to 100 MB each): an add interrupted by a
// crash or a closed tab before its state row, an add whose record edit never reached the store, a removed
// attachment whose chunks could not be deleted, a deleted record. Collected at unlock.
import { isVaultError } from '../records/vault-error.ts';
import type { VaultDb } from '../store/vault-db.ts';
import type { StoreProblem } from '../vault-api.ts';
import type { BlobState } from './blob-state.ts';

export interface OrphanScan {
  db: VaultDb;
  /** Files this tab is writing right now (their chunks have no state row yet). */
  writing: ReadonlySet<string>;
  report(problem: StoreProblem): void;
  readState(fileId: string, recordId: string): Promise<BlobState | undefined>;
  /** Whether the record (loaded first) still holds this attachment; throws what loading throws. */
  isReferenced(recordId: string, fileId: string): Promise<boolean>;
}

/** Removes orphaned files and returns how many. A tampered state row is reported and left in place. */
export async function collectOrphanBlobs(scan: OrphanScan): Promise<number> {
  const { db } = scan;
  const chunked = new Set((await db.blobs.orderBy('blobId').uniqueKeys()).map(String));
  const states = await db.blobState.toArray();
  const orphans: { fileId: string; withState: boolean }[] = [];
  for (const row of states) {
    chunked.delete(row.blobId);
    if (scan.writing.has(row.blobId)) continue;
    if (await isOrphan(scan, row.blobId, row.recordId)) orphans.push({ fileId: row.blobId, withState: true });
  }
  for (const fileId of chunked) {
    if (!scan.writing.has(fileId)) orphans.push({ fileId, withState: false });
  }
  let removed = 0;
  for (const { fileId, withState } of orphans) {
    // Re-checked inside the transaction: another tab may have just finished writing this file.
    const deleted = await db.transaction('rw', db.blobs, db.blobState, async () => {
      if (!withState && (await db.blobState.get(fileId)) !== undefined) return false;
      await db.blobs.where('blobId').equals(fileId).delete();
      await db.blobState.delete(fileId);
      return true;
    });
    if (deleted) removed++;
  }
  return removed;
}

async function isOrphan(scan: OrphanScan, fileId: string, recordId: string): Promise<boolean> {
  let state: BlobState | undefined;
  try {
    state = await scan.readState(fileId, recordId);
  } catch (error) {
    if (!isVaultError(error, 'tampered_row')) throw error;
    scan.report({ code: 'tampered_row', table: 'blobState', recordId });
    return false;
  }
  if (state === undefined || !state.complete) return true;
  try {
    return !(await scan.isReferenced(recordId, fileId));
  } catch (error) {
    // A deleted or unknown record holds no attachment; any other failure (an unreadable record) keeps the file.
    return isVaultError(error, 'record_deleted') || isVaultError(error, 'record_not_found');
  }
}
