/**
 * What the relay keeps: ciphertext and the minimum routing metadata (docs/PROTOCOL.md, "Relay storage").
 * SQLite and PostgreSQL implement this one interface; the relay core never sees SQL.
 * The relay-core issue extends it with membership logs, per-record logs and blobs.
 */
export interface RelayStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves true when the store answers a trivial query. */
  health(): Promise<boolean>;
  /** The schema version the store was migrated to. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
