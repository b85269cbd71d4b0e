import type { VaultDb } from '../store/vault-db.ts';

/** What the persisted search index needs from the vault (PROTOCOL.md §18.7): storage, sealing, the live set. */
export interface SearchStoreDeps {
  /** Reads `envelopes` (row ids, record ids), reads and writes `search`. */
  db: VaultDb;
  /** A sealed derived row of table `search` under primary key `key`. */
  seal(key: string, raw: Uint8Array): Uint8Array;
  /** The raw bytes of a sealed row; throws (any error) for a row that fails to open. */
  open(key: string, row: Uint8Array): Uint8Array;
  /** 32-byte BLAKE2b (crypto's `hash`), binding table rows and pages to their header. */
  hash(bytes: Uint8Array): Uint8Array;
  report(problem: { code: 'tampered_row'; table: 'search'; key?: string }): void;
  /** Live records: catalogue or index entries without a tombstone. */
  liveIds(): Iterable<string>;
  isDeleted(id: string): boolean;
  /** Index root and shard rows: never records, left out of the watermark rule. */
  isFamily(recordId: string): boolean;
  /**
   * Reads records from their stored rows into fresh documents: their search texts and the highest envelope row
   * id read per record. A record with no readable rows is absent from the map. Called with ≤ 250 ids at a time.
   */
  readTexts(ids: readonly string[]): Promise<Map<string, { src: number; texts: readonly string[] }>>;
  /** Runs `run` under the Web Lock `carnet:<vault>:derived`. */
  withLock<T>(run: () => Promise<T>): Promise<T>;
  /** The vault was locked: the job stops between steps. */
  isClosed(): boolean;
}
