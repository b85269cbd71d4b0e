// docs/PROTOCOL.md §18.1: one IndexedDB database per vault, and a directory database listing vaults. Every
// value is bytes that are either public (membership entries), signed envelopes, or sealed local rows; the clear
// columns reveal only what the relay already sees.
import { Dexie, type EntityTable } from 'dexie';
import type { EnvelopeType } from '#crypto';
import { DIRECTORY_DB, DIRECTORY_STORE, vaultDbName } from './db-names.ts';

export { DIRECTORY_DB, vaultDbName };

/** IndexedDB implementation: the browser's, or fake-indexeddb in Node unit tests. */
export interface IdbPorts {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

export interface KeystoreRow {
  k: 'k';
  bytes: Uint8Array;
}
export interface MembershipRow {
  seq: number;
  bytes: Uint8Array;
}
export interface EnvelopeRow {
  id?: number;
  recordId: string;
  /** The envelope's own type byte (`TYPE.update`, `TYPE.snapshot`, `TYPE.deposit`); a clear copy for the index,
   * untrusted when read back: the reader goes by the signed header. */
  type: EnvelopeType;
  author: number;
  seq: number;
  epoch: number;
  /** Relay version once acknowledged; 0 until then. */
  rv: number;
  bytes: Uint8Array;
}
export interface OutboxRow {
  id?: number;
  recordId: string;
  envelopeId: number;
  /** LSK row (§18.3) sealed under primary key `envelopeId`, holding one `OutboxKind` byte (outbox-entry.ts). */
  bytes: Uint8Array;
}
/** Rows keyed by a string, whose value is an LSK row sealed under that key. */
export interface SealedRow {
  key: string;
  bytes: Uint8Array;
}
export interface CounterRow {
  recordId: string;
  bytes: Uint8Array;
}
export interface BlobChunkRow {
  blobId: string;
  index: number;
  bytes: Uint8Array;
}
export interface BlobStateRow {
  blobId: string;
  recordId: string;
  bytes: Uint8Array;
}
/** A derived row (§18.7): table `catalogue` keyed by shard id, table `search` by its row key. */
export interface DerivedRow {
  key: string;
  bytes: Uint8Array;
}
export interface DirectoryRow {
  vaultIdHex: string;
  relayOrigin: string;
}

export type VaultDb = Dexie & {
  keystore: EntityTable<KeystoreRow, 'k'>;
  membership: EntityTable<MembershipRow, 'seq'>;
  access: EntityTable<MembershipRow, 'seq'>;
  envelopes: EntityTable<EnvelopeRow, 'id'>;
  outbox: EntityTable<OutboxRow, 'id'>;
  counters: EntityTable<CounterRow, 'recordId'>;
  state: EntityTable<CounterRow, 'recordId'>;
  meta: EntityTable<SealedRow, 'key'>;
  blobs: EntityTable<BlobChunkRow, 'blobId'>;
  blobState: EntityTable<BlobStateRow, 'blobId'>;
  catalogue: EntityTable<DerivedRow, 'key'>;
  search: EntityTable<DerivedRow, 'key'>;
};

export type DirectoryDb = Dexie & { vaults: EntityTable<DirectoryRow, 'vaultIdHex'> };

/**
 * Opens (creating if needed) the database of one vault. Every readwrite transaction is `strict`: the browser
 * reports completion only once the data is flushed, so an edit shown as saved survives a crash (§18.4).
 */
export function openVaultDb(vaultIdHex: string, ports?: IdbPorts): VaultDb {
  const db = new Dexie(vaultDbName(vaultIdHex), {
    chromeTransactionDurability: 'strict',
    ...(ports === undefined ? {} : { indexedDB: ports.indexedDB, IDBKeyRange: ports.IDBKeyRange }),
  }) as VaultDb;
  db.version(1).stores({
    keystore: 'k',
    membership: 'seq',
    access: 'seq',
    envelopes: '++id, recordId, [recordId+id], type, author, seq, epoch, rv',
    outbox: '++id, recordId, envelopeId',
    counters: 'recordId',
    state: 'recordId',
    meta: 'key',
    blobs: '[blobId+index], blobId',
    blobState: 'blobId, recordId',
  });
  // Version 2 (issue 14): the derived tables of §18.7. Nothing is migrated by Dexie: the v1 index is rewritten
  // at unlock (§18.8) and derived rows are built by the background job.
  db.version(2).stores({ catalogue: 'key', search: 'key' });
  return db;
}

export function openDirectoryDb(ports?: IdbPorts): DirectoryDb {
  const db = new Dexie(DIRECTORY_DB, {
    chromeTransactionDurability: 'strict',
    ...(ports === undefined ? {} : { indexedDB: ports.indexedDB, IDBKeyRange: ports.IDBKeyRange }),
  }) as DirectoryDb;
  db.version(1).stores({ [DIRECTORY_STORE]: 'vaultIdHex' });
  return db;
}
