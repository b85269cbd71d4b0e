/**
 * The relay's SQLite schema at version 2 (the baseline, as of commit a16b06f); later changes are in
 * migrations.ts. Ids are raw bytes; nothing here is readable health data.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS vaults (
  vault_id BLOB PRIMARY KEY,
  rv INTEGER NOT NULL DEFAULT 0,
  used_bytes INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS members (
  vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
  seq INTEGER NOT NULL,
  entry BLOB NOT NULL,
  PRIMARY KEY (vault_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wraps (
  vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
  recipient INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  wrap BLOB NOT NULL,
  PRIMARY KEY (vault_id, recipient, epoch)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
  vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
  record_id BLOB NOT NULL,
  snapshot_rv INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (vault_id, record_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS high_water (
  vault_id BLOB NOT NULL,
  record_id BLOB NOT NULL,
  author INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (vault_id, record_id, author)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS envelopes (
  vault_id BLOB NOT NULL,
  rv INTEGER NOT NULL,
  record_id BLOB NOT NULL,
  kind INTEGER NOT NULL,
  author INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  bytes BLOB,
  PRIMARY KEY (vault_id, rv)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS envelopes_update_seq ON envelopes (vault_id, record_id, author, seq) WHERE kind = 1;
CREATE INDEX IF NOT EXISTS envelopes_record ON envelopes (vault_id, record_id, rv);
CREATE TABLE IF NOT EXISTS blobs (
  vault_id BLOB NOT NULL,
  blob_id BLOB NOT NULL,
  record_id BLOB NOT NULL,
  size INTEGER NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  complete INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (vault_id, blob_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blob_chunks (
  vault_id BLOB NOT NULL,
  blob_id BLOB NOT NULL,
  offset INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (vault_id, blob_id, offset)
) STRICT, WITHOUT ROWID;
`;

export const KIND_CODE = { update: 1, snapshot: 2, deposit: 3 } as const;
export const KIND_NAME = { 1: 'update', 2: 'snapshot', 3: 'deposit' } as const;
