import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '#sync-server/store/postgres-store';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { SCHEMA_VERSION } from '#sync-server/store/schema-version';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '#tests/helpers/postgres';

describe('SQLite store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-sqlite-'));
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs with WAL and synchronous=FULL, so a commit is on disk before any acknowledgement', async () => {
    const sut = openSqliteStore(path.join(dir, 'nested', 'relay.sqlite'));
    // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    expect(sut.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2 });
    expect(await sut.health()).toBe(true);
    expect(await sut.schemaVersion()).toBe(SCHEMA_VERSION);
    await sut.close();
  });

  it('reopens an existing database without re-running or duplicating its migration', async () => {
    const file = path.join(dir, 'reopen.sqlite');
    await openSqliteStore(file).close();
    const again = openSqliteStore(file);
    expect(await again.schemaVersion()).toBe(SCHEMA_VERSION);
    await again.close();
  });
});

const hasPostgres = await postgresAvailable();

describe.skipIf(!hasPostgres)('PostgreSQL store', () => {
  const schema = uniqueSchema('carnet_store');
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('migrates a fresh schema and answers its health check', async () => {
    const sut = await openPostgresStore(TEST_DATABASE_URL, { schema });
    expect(sut.kind).toBe('postgres');
    expect(await sut.health()).toBe(true);
    expect(await sut.schemaVersion()).toBe(SCHEMA_VERSION);
    await sut.close();
    const again = await openPostgresStore(TEST_DATABASE_URL, { schema });
    expect(await again.schemaVersion()).toBe(SCHEMA_VERSION);
    await again.close();
  });

  it('refuses a schema name that could inject SQL', async () => {
    await expect(openPostgresStore(TEST_DATABASE_URL, { schema: 'x; DROP TABLE meta' })).rejects.toThrow(
      'invalid schema',
    );
  });
});
