import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '#sync-server/store/postgres-store';
import type { NewEnvelope, RelayStore } from '#sync-server/store/relay-store';
import { openBackupableSqliteStore } from '#sync-server/store/sqlite-backup';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '#tests/helpers/postgres';

const id = (n = 16) => new Uint8Array(randomBytes(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** An update with incompressible bytes, so the database spans many pages and the backup takes many steps. */
function update(recordId: Uint8Array, author: number, seq: number): NewEnvelope {
  const bytes = new Uint8Array(randomBytes(300 + ((seq * 37) % 700)));
  return {
    recordId,
    kind: 'update',
    author,
    seq,
    bytes,
    hash: new Uint8Array(createHash('sha256').update(bytes).digest()),
  };
}

/** Writes like the relay does: the next rv, the author's next seq; answers the committed envelopes. */
function writer(store: RelayStore, vaultId: Uint8Array, records: Uint8Array[]) {
  let rv = 0;
  const seqs = new Map<string, number>();
  const committed: (NewEnvelope & { rv: number })[] = [];
  return {
    committed,
    next(i: number): Promise<void> {
      const recordId = records[i % records.length] ?? records[0];
      if (recordId === undefined) throw new Error('no records');
      const author = 2 + (i % 3);
      const key = `${hex(recordId)}:${author}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      const envelope = update(recordId, author, seq);
      rv += 1;
      committed.push({ ...envelope, rv });
      return store.commitEnvelopes(vaultId, rv, [envelope], envelope.bytes.length);
    },
  };
}

describe('relay backups (security.md case 18)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-backup-'));
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a restored SQLite backup passes the integrity check and serves every update', async () => {
    const live = openBackupableSqliteStore(path.join(dir, 'live', 'relay.sqlite'));
    const vaultId = id();
    await live.createVault(vaultId, new Uint8Array([1]), [{ recipient: 2, epoch: 0, bytes: id(80) }], undefined);
    const records = Array.from({ length: 8 }, () => id());
    const w = writer(live, vaultId, records);
    for (let i = 0; i < 250; i++) await w.next(i);
    const blobId = id(32);
    await live.startBlob(vaultId, blobId, records[0] ?? id(), 3 * 4096);
    for (let k = 0; k < 3; k++) await live.appendBlobChunk(vaultId, blobId, k * 4096, id(4096), k === 2);
    const beforeBackup = w.committed.slice();

    // Writes land between backup steps (SQLite restarts the copy from the newer state each time); a bounded
    // number of them, so the copy can finish.
    let during = 0;
    const pending: Promise<void>[] = [];
    const file = path.join(dir, 'backup.sqlite');
    const { totalPages } = await live.backup(file, {
      pagesPerStep: 4,
      onStep: () => {
        if (during < 12) pending.push(w.next(250 + during++));
      },
    });
    await Promise.all(pending);
    expect(during).toBe(12);
    expect(totalPages).toBeGreaterThan(4 * 12);

    const restored = openSqliteStore(file);
    try {
      expect(restored.integrityCheck()).toBe('ok');
      const summary = await restored.vault(vaultId);
      expect(summary?.rv).toBeGreaterThanOrEqual(beforeBackup.length);
      // Every update committed before the backup began is served, with its rv and bytes.
      for (const e of beforeBackup) {
        const [row] = await restored.updatesRange(vaultId, e.recordId, e.author, e.seq, e.seq);
        expect(row?.rv).toBe(e.rv);
        expect(row && hex(row.bytes)).toBe(hex(e.bytes));
      }
      // One consistent state: exactly the live log up to the backup's rv, nothing torn.
      const upTo = summary?.rv ?? 0;
      const liveRows = (await live.envelopesSince(vaultId, 0, undefined)).filter((r) => r.rv <= upTo);
      expect(await restored.envelopesSince(vaultId, 0, undefined)).toEqual(liveRows);
      expect(await restored.membership(vaultId, 0, 10)).toEqual([new Uint8Array([1])]);
      expect(await restored.blob(vaultId, blobId)).toMatchObject({ received: 3 * 4096, complete: true });
      let bytes = 0;
      for await (const chunk of restored.blobChunks(vaultId, blobId, 0)) bytes += chunk.bytes.length;
      expect(bytes).toBe(3 * 4096);
    } finally {
      await restored.close();
      await live.close();
    }
  });
});

const run = promisify(execFile);
const hasPostgres = await postgresAvailable();
const hasPgDump = await run('pg_dump', ['--version']).then(
  () => run('pg_restore', ['--version']).then(() => true),
  () => false,
);
if (hasPostgres && !hasPgDump)
  console.warn('\n⚠ SKIPPING the PostgreSQL backup test: pg_dump/pg_restore not on PATH\n');

/** Runs SQL on one database with a throwaway client. */
async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres || !hasPgDump)('relay backups on PostgreSQL (security.md case 18)', () => {
  const schema = uniqueSchema('carnet_backup');
  const database = uniqueSchema('carnet_restore');
  const restoreUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${database}` }).toString();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-pg-backup-'));
  afterAll(async () => {
    await sql(TEST_DATABASE_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await dropSchema(schema);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a restored PostgreSQL backup passes the integrity check and serves every update', async () => {
    const live = await openPostgresStore(TEST_DATABASE_URL, { schema });
    const vaultId = id();
    await live.createVault(vaultId, new Uint8Array([1]), [], undefined);
    const records = Array.from({ length: 8 }, () => id());
    const w = writer(live, vaultId, records);
    for (let i = 0; i < 120; i++) await w.next(i);
    const blobId = id(32);
    await live.startBlob(vaultId, blobId, records[0] ?? id(), 2 * 4096);
    for (let k = 0; k < 2; k++) await live.appendBlobChunk(vaultId, blobId, k * 4096, id(4096), k === 1);
    const beforeBackup = w.committed.slice();

    // pg_dump reads one REPEATABLE READ snapshot while this loop keeps committing.
    const dump = { running: true };
    let during = 0;
    const writes = (async () => {
      while (dump.running) await w.next(120 + during++);
    })();
    const file = path.join(dir, 'relay.dump');
    await run('pg_dump', [
      '--dbname',
      TEST_DATABASE_URL,
      '--schema',
      schema,
      '--format',
      'custom',
      '--file',
      file,
    ]).finally(() => (dump.running = false));
    await writes;
    expect(during).toBeGreaterThan(0);

    await sql(TEST_DATABASE_URL, `CREATE DATABASE ${database}`);
    await run('pg_restore', ['--dbname', restoreUrl, '--no-owner', '--exit-on-error', file]);
    // Integrity: amcheck verifies every B-tree and that every heap tuple is in its indexes.
    await sql(restoreUrl, 'CREATE EXTENSION IF NOT EXISTS amcheck');
    const checked = await sql(
      restoreUrl,
      `SELECT c.relname, bt_index_check(c.oid, true) FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`,
      [schema],
    );
    expect(checked.rows.length).toBeGreaterThanOrEqual(9);

    const restored = await openPostgresStore(restoreUrl, { schema });
    try {
      const summary = await restored.vault(vaultId);
      expect(summary?.rv).toBeGreaterThanOrEqual(beforeBackup.length);
      for (const e of beforeBackup) {
        const [row] = await restored.updatesRange(vaultId, e.recordId, e.author, e.seq, e.seq);
        expect(row?.rv).toBe(e.rv);
        expect(row && hex(row.bytes)).toBe(hex(e.bytes));
      }
      const upTo = summary?.rv ?? 0;
      const liveRows = (await live.envelopesSince(vaultId, 0, undefined)).filter((r) => r.rv <= upTo);
      expect(await restored.envelopesSince(vaultId, 0, undefined)).toEqual(liveRows);
      expect(await restored.blob(vaultId, blobId)).toMatchObject({ received: 2 * 4096, complete: true });
    } finally {
      await restored.close();
      await live.close();
    }
  });
});
