/**
 * Schema changes after the baseline (version 2, the schema of commit a16b06f in sqlite-schema.ts and
 * postgres-schema.ts). A store records its version in `meta`; at start each migration above it runs once, in
 * order, in one transaction with its version bump, so a relay stopped half-way starts again cleanly. A
 * published migration is never edited: a change is the next one. A store newer than this code is refused.
 */
export interface Migration {
  readonly version: number;
  /** What changed, for the start-up log. */
  readonly what: string;
  readonly sqlite: string;
  readonly postgres: (schema: string) => string;
}

export const BASELINE_VERSION = 2;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    what: 'validated membership state and principal keys (issue 12)',
    sqlite: `
CREATE TABLE member_state (
  vault_id BLOB PRIMARY KEY REFERENCES vaults(vault_id),
  seq INTEGER NOT NULL,
  state BLOB NOT NULL
) STRICT;
CREATE TABLE principal_keys (
  vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
  idx INTEGER NOT NULL,
  role TEXT NOT NULL,
  sig_pk BLOB NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (vault_id, idx)
) STRICT, WITHOUT ROWID;`,
    postgres: (s) => `
CREATE TABLE ${s}.member_state (
  vault_id bytea PRIMARY KEY REFERENCES ${s}.vaults (vault_id),
  seq bigint NOT NULL,
  state bytea NOT NULL
);
CREATE TABLE ${s}.principal_keys (
  vault_id bytea NOT NULL REFERENCES ${s}.vaults (vault_id),
  idx bigint NOT NULL,
  role text NOT NULL,
  sig_pk bytea NOT NULL,
  active boolean NOT NULL,
  PRIMARY KEY (vault_id, idx)
);`,
  },
];

/** The migrations a store at `version` still needs; throws for a store written by a newer relay. */
export function pendingMigrations(version: number, latest: number): readonly Migration[] {
  if (version > latest) {
    throw new Error(`the store is at schema ${version}, newer than this relay's ${latest}: upgrade the relay`);
  }
  return MIGRATIONS.filter((m) => m.version > version);
}
