import pg from 'pg';
import type { RelayStore } from './relay-store.ts';
import { SCHEMA_VERSION } from './schema-version.ts';

export interface PostgresStore extends RelayStore {
  readonly kind: 'postgres';
}

/** Connects to PostgreSQL and migrates the schema. The URL never reaches a log line. */
export async function openPostgresStore(
  databaseUrl: string,
  options: { schema?: string } = {},
): Promise<PostgresStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('invalid schema name');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client losing its connection must not crash the relay; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT DO NOTHING`, [
      String(SCHEMA_VERSION),
    ]);
  } finally {
    client.release();
  }

  return {
    kind: 'postgres',
    health: async () => (await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok === 1,
    schemaVersion: async () => {
      const result = await pool.query<{ value: string }>(
        `SELECT value FROM ${schema}.meta WHERE key = 'schema_version'`,
      );
      return Number(result.rows[0]?.value ?? 0);
    },
    close: () => pool.end(),
  };
}
