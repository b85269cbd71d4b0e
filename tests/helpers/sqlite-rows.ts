// Every row of every table of a relay's SQLite file, read on a separate read-only connection: the test's proof
// that a refused frame stored nothing at all (no stray blob row, high-water mark, principal row or byte count).
import Database from 'better-sqlite3';

/** Table name -> its rows, each as one JSON line (byte columns in hex), sorted. */
export type SqliteRows = Record<string, string[]>;

export function readAllRows(file: string): SqliteRows {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const out: SqliteRows = {};
    const tables = db
      .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all();
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][];
      out[name] = rows
        .map((row) => JSON.stringify(row.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))))
        .sort();
    }
    return out;
  } finally {
    db.close();
  }
}
