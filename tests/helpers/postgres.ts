import pg from 'pg';

/** The test database; CI and the README's machine run PostgreSQL with trust auth on 127.0.0.1:5432. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * True when PostgreSQL answers. Under CI a missing server is a failure, not a skip: the tests that need it
 * must run there. Elsewhere they skip, and say so out loud.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true' || process.env.CI === '1') {
      throw new Error(`CI is set but PostgreSQL does not answer at ${TEST_DATABASE_URL}`, { cause: error });
    }
    console.warn(
      `\n⚠ SKIPPING PostgreSQL tests: no server answers at ${TEST_DATABASE_URL} (set CI=true to make this fatal)\n`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema per test file, so parallel files never see each other's rows. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
