import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteStore, type StoreProbe } from './sqlite-store.ts';

export interface BackupOptions {
  /** Pages copied per step (SQLite's backup API); between steps the relay keeps writing. Default 100. */
  pagesPerStep?: number;
  /** Called between steps with the pages left; tests write from here to prove writes continue. */
  onStep?: (remainingPages: number) => void;
}

export interface BackupableSqliteStore extends SqliteStore {
  /** An online backup to `destination` (a new SQLite file) while the store keeps serving and writing. */
  backup(destination: string, options?: BackupOptions): Promise<{ totalPages: number }>;
}

/**
 * Online backup of a relay database file (security.md case 18). It opens its own read-only connection, so a
 * backup can never write to the live database, and uses SQLite's backup API, which copies one consistent
 * state: when another connection commits between two steps it restarts from that newer state, so the copy
 * holds every transaction committed before it finished and never half of one.
 */
export async function backupSqliteFile(
  file: string,
  destination: string,
  options: BackupOptions = {},
): Promise<{ totalPages: number }> {
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await source.backup(destination, {
      progress: ({ remainingPages }) => {
        options.onStep?.(remainingPages);
        return options.pagesPerStep ?? 100;
      },
    });
    return { totalPages };
  } finally {
    source.close();
  }
}

/** openSqliteStore with a `backup` method (kept out of sqlite-store.ts, which the relay core owns). */
export function openBackupableSqliteStore(file: string, probe: StoreProbe = {}): BackupableSqliteStore {
  if (file === ':memory:') throw new Error('an in-memory store cannot be backed up from its file');
  const store = openSqliteStore(file, probe);
  return Object.assign(store, {
    backup: (destination: string, options?: BackupOptions) => backupSqliteFile(file, destination, options),
  });
}
