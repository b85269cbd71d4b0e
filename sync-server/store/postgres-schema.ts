/**
 * The relay's PostgreSQL schema at version 2 (the baseline; later changes are in migrations.ts), the same tables
 * as sqlite-schema.ts. Ids and ciphertext are bytea,
 * counters bigint (read back as strings and checked to be safe integers). `schema` is validated by the caller.
 * The chunk column is `chunk_offset` because OFFSET is a reserved word in PostgreSQL.
 */
export function postgresSchema(schema: string): string {
  const s = schema;
  return `
CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.vaults (
  vault_id bytea PRIMARY KEY,
  rv bigint NOT NULL DEFAULT 0,
  used_bytes bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ${s}.members (
  vault_id bytea NOT NULL REFERENCES ${s}.vaults (vault_id),
  seq bigint NOT NULL,
  entry bytea NOT NULL,
  PRIMARY KEY (vault_id, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.wraps (
  vault_id bytea NOT NULL REFERENCES ${s}.vaults (vault_id),
  recipient bigint NOT NULL,
  epoch bigint NOT NULL,
  wrap bytea NOT NULL,
  PRIMARY KEY (vault_id, recipient, epoch)
);
CREATE TABLE IF NOT EXISTS ${s}.records (
  vault_id bytea NOT NULL REFERENCES ${s}.vaults (vault_id),
  record_id bytea NOT NULL,
  snapshot_rv bigint NOT NULL DEFAULT 0,
  deleted boolean NOT NULL DEFAULT false,
  PRIMARY KEY (vault_id, record_id)
);
CREATE TABLE IF NOT EXISTS ${s}.high_water (
  vault_id bytea NOT NULL,
  record_id bytea NOT NULL,
  author bigint NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (vault_id, record_id, author)
);
CREATE TABLE IF NOT EXISTS ${s}.envelopes (
  vault_id bytea NOT NULL,
  rv bigint NOT NULL,
  record_id bytea NOT NULL,
  kind smallint NOT NULL,
  author bigint NOT NULL,
  seq bigint NOT NULL,
  hash bytea NOT NULL,
  bytes bytea,
  PRIMARY KEY (vault_id, rv)
);
CREATE UNIQUE INDEX IF NOT EXISTS envelopes_update_seq ON ${s}.envelopes (vault_id, record_id, author, seq) WHERE kind = 1;
CREATE INDEX IF NOT EXISTS envelopes_record ON ${s}.envelopes (vault_id, record_id, rv);
CREATE TABLE IF NOT EXISTS ${s}.blobs (
  vault_id bytea NOT NULL,
  blob_id bytea NOT NULL,
  record_id bytea NOT NULL,
  size bigint NOT NULL,
  received bigint NOT NULL DEFAULT 0,
  complete boolean NOT NULL DEFAULT false,
  PRIMARY KEY (vault_id, blob_id)
);
CREATE TABLE IF NOT EXISTS ${s}.blob_chunks (
  vault_id bytea NOT NULL,
  blob_id bytea NOT NULL,
  chunk_offset bigint NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (vault_id, blob_id, chunk_offset)
);
`;
}
