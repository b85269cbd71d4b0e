import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { RelayStore } from './relay-store.ts';
import { SCHEMA_VERSION } from './schema-version.ts';

export interface SqliteStore extends RelayStore {
  readonly kind: 'sqlite';
  /** The pragma values the store runs with, so tests can prove durability settings. */
  pragmas(): { journalMode: string; synchronous: number };
}

/**
 * Opens (creating when absent) the relay's SQLite database.
 * WAL for concurrent readers, synchronous=FULL so a commit is on disk before we acknowledge it.
 */
export function openSqliteStore(file: string): SqliteStore {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`);
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
  const readVersion = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);

  return {
    kind: 'sqlite',
    health: () => Promise.resolve(db.prepare('SELECT 1 AS ok').get() !== undefined),
    schemaVersion: () => Promise.resolve(Number(readVersion.get()?.value ?? 0)),
    pragmas: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
    }),
    close: () => {
      if (db.open) db.close();
      return Promise.resolve();
    },
  };
}
