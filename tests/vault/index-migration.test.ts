// PROTOCOL.md §18.8: a v1 index (records in the index root) is rewritten into shards once, at unlock, in one
// transaction: all or nothing, nothing at all when a relay acknowledged it.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, indexId, isIndexShard, ready, shardPrefix, toHex, TYPE } from '#crypto';
import { isVaultError } from '#vault';
import { openVaultDb } from '#vault/store/vault-db';
import { exportIdb } from '#tests/helpers/idb-snapshot';
import { failWrites, transactionAborted } from '#tests/helpers/idb-faults';
import { baseSeed, seededRandom } from '#tests/helpers/seeded-random';
import { v1Content, v1State, writeV1Index } from '#tests/helpers/v1-index';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});

/** A vault of device 2 whose index is a v1 root holding `count` records' entries, roots and tombstones. */
async function v1Vault(count: number, options: { rv?: number; shardCapacity?: number } = {}) {
  const made = testAccess(
    undefined,
    options.shardCapacity === undefined ? {} : { shardCapacity: options.shardCapacity },
  );
  const { vault } = await made.access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
  const id = vault.id;
  vault.lock();
  const { model: content, deleted } = v1Content(count, 7);
  await writeV1Index(made.idb, id, v1State(content), options.rv ?? 0);
  return { ...made, id, content, deleted };
}

async function envelopeRows(idb: ReturnType<typeof testAccess>['idb'], id: string) {
  const db = openVaultDb(id, idb);
  try {
    return await db.envelopes.toArray();
  } finally {
    db.close();
  }
}

describe('migration from the v1 index', () => {
  it('migrates a v1 index of 3,000 records into shards in one transaction; a second unlock changes nothing', async () => {
    const { idb, access, id, content, deleted } = await v1Vault(3000);
    const before = await envelopeRows(idb, id);
    expect(before.map((row) => row.recordId)).toEqual([toHex(indexId(fromHex(id)))]);

    const vault = await access.unlock(id, { passphrase: TEST_PASSPHRASE });
    const shown = (entries: { id: string; title: string; author: string }[]) =>
      entries.map((e) => [e.id, e.title, e.author]);
    expect(vault.records.list()).toHaveLength(2700);
    expect(shown(vault.records.list())).toEqual(shown(content.list()));
    expect(deleted).toHaveLength(300);
    expect(deleted.every((gone) => vault.records.removed(gone) !== undefined)).toBe(true);
    expect(content.list().every((e) => vault.records.recordRoot(e.id) !== undefined)).toBe(true);
    vault.lock();

    const after = await envelopeRows(idb, id);
    const prefix = shardPrefix(fromHex(id));
    const shardRows = after.filter((row) => isIndexShard(prefix, fromHex(row.recordId)));
    // 3,000 keys in shards of 1,024: three shards of device 2, one snapshot each, and no root row left.
    expect(new Set(shardRows.map((row) => row.recordId)).size).toBe(3);
    expect(shardRows.every((row) => row.type === TYPE.snapshot && row.author === 2)).toBe(true);
    expect(after.filter((row) => !isIndexShard(prefix, fromHex(row.recordId)))).toEqual([]);

    const again = await access.unlock(id, { passphrase: TEST_PASSPHRASE });
    expect(shown(again.records.list())).toEqual(shown(content.list()));
    again.lock();
    expect((await envelopeRows(idb, id)).map((row) => row.id)).toEqual(after.map((row) => row.id));
  });

  it('a crash before the migration commits leaves the v1 vault as it was (seeded cut points)', async () => {
    const seed = baseSeed();
    const rand = seededRandom(seed);
    for (let run = 0; run < 3; run++) {
      // Capacity 8 and 40 keys: five shard snapshots and their outbox rows, ten writes to cut among.
      const { idb, access, id, content } = await v1Vault(40, { shardCapacity: 8 });
      const untouched = await exportIdb(idb.indexedDB);
      const cut = 1 + Math.floor(rand() * 10);
      let writes = 0;
      const when = () => ++writes === cut;
      const restore = failWrites(['envelopes', 'outbox'], transactionAborted, when);
      let error: unknown;
      try {
        error = await access.unlock(id, { passphrase: TEST_PASSPHRASE }).then(
          () => undefined,
          (e: unknown) => e,
        );
      } finally {
        restore();
      }
      expect(isVaultError(error, 'storage_failed'), `seed ${String(seed)} cut ${String(cut)}: ${String(error)}`).toBe(
        true,
      );
      expect(await exportIdb(idb.indexedDB), `seed ${String(seed)} cut ${String(cut)}`).toEqual(untouched);
      // The next unlock migrates it whole.
      const vault = await access.unlock(id, { passphrase: TEST_PASSPHRASE });
      expect(vault.records.list().map((e) => e.id)).toEqual(content.list().map((e) => e.id));
      vault.lock();
    }
  });

  it('refuses to migrate an index a relay acknowledged (migration_blocked), changing nothing', async () => {
    const { idb, access, id } = await v1Vault(20, { rv: 5 });
    const untouched = await exportIdb(idb.indexedDB);
    await expect(access.unlock(id, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({
      code: 'migration_blocked',
    });
    expect(await exportIdb(idb.indexedDB)).toEqual(untouched);
  });
});
