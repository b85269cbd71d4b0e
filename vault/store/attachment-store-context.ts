import type { RecordsModel } from '../records/create-records-model.ts';
import type { Random } from '../records/ports.ts';
import type { StoreProblem } from '../vault-api.ts';
import type { VaultDb } from './vault-db.ts';

/** What the attachment store gets from an open vault: its database, the row sealer and the records model. */
export interface AttachmentStoreContext {
  db: VaultDb;
  vaultId: Uint8Array;
  records: RecordsModel;
  sealRow(table: string, key: string, value: Uint8Array): Uint8Array;
  /** Throws VaultError `tampered_row` when the row fails to open. */
  openRow(table: string, key: string, bytes: Uint8Array): Uint8Array;
  random: Random;
  report(problem: StoreProblem): void;
  /** Ensures the record's content is loaded before it is read or changed. */
  loadRecord(id: string): Promise<unknown>;
}
