// Issue 14 ("vaults made by a16b06f and by main just before the format change open after the migration with every
// record and search result intact"): the committed fixtures (tests/fixtures/vaults, made by
// make-vault-fixture.ts in a checkout of each build) are written into a fresh fake-indexeddb and unlocked by
// today's code, which must list the same records with the same content, find the same ones for every query,
// keep the deleted record deleted and give back the attachment's bytes.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, indexId, isIndexShard, ready, shardPrefix, toHex } from '#crypto';
import { openVaultDb } from '#vault/store/vault-db';
import { importIdb, type IdbSnapshot } from '#tests/helpers/idb-snapshot';
import { testAccess, testIdb } from '#tests/helpers/vault-access';
import { recordContent, type FixtureRecord } from '#tests/helpers/vault-fixture-content';
import { readAll } from './attachments-support.ts';

interface VaultFixture {
  label: string;
  passphrase: string;
  vaultId: string;
  deleted: string;
  attachment: { recordId: string; text: string };
  records: FixtureRecord[];
  searches: { query: string; ids: string[] }[];
  idb: IdbSnapshot;
}

const dir = new URL('../fixtures/vaults/', import.meta.url);
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8')) as VaultFixture);

beforeAll(async () => {
  await ready();
});

describe('vaults made by earlier builds', () => {
  it('has a fixture from a16b06f and one from main before the index format change', () => {
    expect(fixtures.map((f) => f.label.split('-')[0]).sort()).toEqual(['a16b06f', 'main']);
  });

  it.each(fixtures.map((f) => [f.label, f] as const))(
    'opens the vault made by %s with every record, search result and file intact',
    async (_label, fixture) => {
      const idb = testIdb();
      await importIdb(idb.indexedDB, fixture.idb);
      const { access } = testAccess(idb);
      expect((await access.list()).map((v) => v.id)).toEqual([fixture.vaultId]);
      const vault = await access.unlock(fixture.vaultId, { passphrase: fixture.passphrase });
      const r = vault.records;
      const searches = () =>
        fixture.searches.map(({ query }) => [
          query,
          r
            .search(query)
            .map((e) => e.id)
            .sort(),
        ]);
      const expected = fixture.searches.map(({ query, ids }) => [query, ids]);
      // Search is complete before any record is loaded: the persisted index, built after the migration.
      await vault.fullyLoaded;
      expect(r.loadedIds()).toEqual([]);
      expect(searches()).toEqual(expected);
      // And the same once every record is loaded (answered from memory).
      const loaded = await Promise.all(r.list().map((entry) => vault.loadRecord(entry.id)));
      const records = loaded.map(recordContent).sort((a, b) => a.id.localeCompare(b.id));
      expect(records).toEqual(fixture.records);
      expect(searches()).toEqual(expected);
      expect(r.removed(fixture.deleted)).toBeDefined();
      const [file] = r.get(fixture.attachment.recordId).attachments;
      if (file === undefined) throw new Error('the attachment is gone');
      const bytes = await readAll(vault.attachments.open(fixture.attachment.recordId, file.fileId));
      expect(new TextDecoder().decode(bytes)).toBe(fixture.attachment.text);
      const listed = r.list().length;
      vault.lock();

      // Migrated (§18.8): no row of the index root is left, the entries are in shards of this device.
      const vaultId = fromHex(fixture.vaultId);
      const rowsNow = async () => {
        const db = openVaultDb(fixture.vaultId, idb);
        try {
          return await db.envelopes.toArray();
        } finally {
          db.close();
        }
      };
      const after = await rowsNow();
      expect(after.filter((row) => row.recordId === toHex(indexId(vaultId)))).toEqual([]);
      const shards = new Set(
        after.filter((row) => isIndexShard(shardPrefix(vaultId), fromHex(row.recordId))).map((row) => row.recordId),
      );
      expect(shards.size).toBe(1);
      // A second unlock finds nothing to migrate and shows the same records.
      const again = await access.unlock(fixture.vaultId, { passphrase: fixture.passphrase });
      expect(again.records.list()).toHaveLength(listed);
      again.lock();
      expect((await rowsNow()).map((row) => row.id)).toEqual(after.map((row) => row.id));
    },
  );
});
