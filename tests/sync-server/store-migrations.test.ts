// Issue 12, item 0: real schema migrations. A store written by a16b06f's schema (version 2, the fixture), with a
// real vault in it, is upgraded at open on SQLite and on PostgreSQL: its rows intact, the new tables there, the
// version bumped, and the relay serves the vault (replaying its log once and keeping its state from then on).
// On a16b06f there was no migration: the version was overwritten and nothing checked a newer store.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { sealKeyringWrap } from '#crypto/keyring-wrap';
import { MIGRATIONS } from '#sync-server/store/migrations';
import { openPostgresStore } from '#sync-server/store/postgres-store';
import type { RelayStore } from '#sync-server/store/relay-store';
import { SCHEMA_VERSION } from '#sync-server/store/schema-version';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '#tests/helpers/postgres';
import { postgresSchemaA16b06f, SQLITE_SCHEMA_A16B06F } from './fixtures/schema-a16b06f.ts';

await ready();
const hasPostgres = await postgresAvailable();

/** A vault as a16b06f stored it: genesis and the device's epoch-0 wrap; no membership state, no key rows. */
function legacyVault(seed: string): { log: MembershipLogBuilder; wrap: Uint8Array } {
  const log = new MembershipLogBuilder(seed).genesis();
  const device = log.keys.get(2);
  const head = log.state.head;
  if (device === undefined || head === null) throw new Error('no genesis');
  const wrap = sealKeyringWrap({ epoch: 0, recipient: 2, author: 2, mhead: 0 }, log.epochSecrets.slice(0, 1), {
    vaultId: log.vaultId,
    headHash: head.hash,
    recipientBoxPk: device.boxPk,
    authorSk: device.sigSk,
  });
  return { log, wrap };
}

/** What the upgraded store must show for that vault, before and after the relay's first load. */
async function expectUpgraded(store: RelayStore, log: MembershipLogBuilder, wrap: Uint8Array): Promise<void> {
  expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
  expect(await store.membership(log.vaultId, 0, 10)).toEqual([log.entries[0]]);
  expect(await store.wraps(log.vaultId, 2, 0)).toEqual([wrap]);
  expect(await store.membershipState(log.vaultId)).toBeUndefined();
  expect(await store.principalKey(log.vaultId, 2)).toBeUndefined();
  // The relay's first load of a vault from before writes its state (vault-hub.ts); here the store's half.
  await store.saveMembershipState(log.vaultId, {
    seq: 0,
    state: new Uint8Array([1]),
    keys: [{ index: 2, role: 'device', sigPk: log.keys.get(2)?.sigPk ?? new Uint8Array(), active: true }],
  });
  expect(await store.principalKey(log.vaultId, 2)).toMatchObject({ index: 2, active: true });
}

describe('schema migrations (issue 12 item 0)', () => {
  it('has one migration per version after the baseline, the last one the schema version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 3));
    expect(MIGRATIONS.at(-1)?.version).toBe(SCHEMA_VERSION);
  });

  it('upgrades a SQLite store written by a16b06f, and refuses one from a newer relay', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-migrate-'));
    const file = path.join(dir, 'relay.sqlite');
    const { log, wrap } = legacyVault('migrate-sqlite');
    const db = new Database(file);
    db.exec(SQLITE_SCHEMA_A16B06F);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', '2')`).run();
    db.prepare(`INSERT INTO vaults (vault_id, rv, used_bytes) VALUES (?, 0, 0)`).run(Buffer.from(log.vaultId));
    db.prepare(`INSERT INTO members (vault_id, seq, entry) VALUES (?, 0, ?)`).run(
      Buffer.from(log.vaultId),
      Buffer.from(log.entries[0] ?? new Uint8Array()),
    );
    db.prepare(`INSERT INTO wraps (vault_id, recipient, epoch, wrap) VALUES (?, 2, 0, ?)`).run(
      Buffer.from(log.vaultId),
      Buffer.from(wrap),
    );
    db.close();
    const store = openSqliteStore(file);
    await expectUpgraded(store, log, wrap);
    await store.close();
    // Opening again applies nothing twice.
    const again = openSqliteStore(file);
    expect(await again.schemaVersion()).toBe(SCHEMA_VERSION);
    await again.close();

    const newer = new Database(file);
    newer.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
    newer.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this relay/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const schema = uniqueSchema('carnet_migrate');
  afterAll(async () => {
    if (hasPostgres) await dropSchema(schema);
  });

  it.skipIf(!hasPostgres)(
    'upgrades a PostgreSQL store written by a16b06f, and refuses one from a newer relay',
    async () => {
      const { log, wrap } = legacyVault('migrate-postgres');
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(postgresSchemaA16b06f(schema));
        await client.query(`INSERT INTO ${schema}.meta (key, value) VALUES ('schema_version', '2')`);
        await client.query(`INSERT INTO ${schema}.vaults (vault_id) VALUES ($1)`, [Buffer.from(log.vaultId)]);
        await client.query(`INSERT INTO ${schema}.members (vault_id, seq, entry) VALUES ($1, 0, $2)`, [
          Buffer.from(log.vaultId),
          Buffer.from(log.entries[0] ?? new Uint8Array()),
        ]);
        await client.query(`INSERT INTO ${schema}.wraps (vault_id, recipient, epoch, wrap) VALUES ($1, 2, 0, $2)`, [
          Buffer.from(log.vaultId),
          Buffer.from(wrap),
        ]);
        const store = await openPostgresStore(TEST_DATABASE_URL, { schema });
        await expectUpgraded(store, log, wrap);
        await store.close();
        const again = await openPostgresStore(TEST_DATABASE_URL, { schema });
        expect(await again.schemaVersion()).toBe(SCHEMA_VERSION);
        await again.close();
        await client.query(`UPDATE ${schema}.meta SET value = '99' WHERE key = 'schema_version'`);
        await expect(openPostgresStore(TEST_DATABASE_URL, { schema })).rejects.toThrow(/newer than this relay/);
      } finally {
        await client.end();
      }
    },
  );
});
