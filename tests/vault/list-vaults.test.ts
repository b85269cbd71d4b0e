// The first screen lists this browser's vaults without Dexie (vault/store/list-vaults.ts): the same answer as
// the directory Dexie writes, and a browser without a vault is left without a database.
import { describe, expect, it } from 'vitest';
import { listVaults } from '#vault/light';
import { DIRECTORY_DB, openDirectoryDb } from '#vault/store/vault-db';
import { testIdb } from '#tests/helpers/vault-access';

describe(listVaults.name, () => {
  it('answers none on a first visit and creates no database', async () => {
    const idb = testIdb();
    expect(await listVaults(idb.indexedDB)).toEqual([]);
    expect((await idb.indexedDB.databases()).map((db) => db.name)).not.toContain(DIRECTORY_DB);
  });

  it('reads the rows Dexie wrote, and skips a row whose id is not a vault id', async () => {
    const idb = testIdb();
    const directory = openDirectoryDb(idb);
    await directory.vaults.bulkPut([
      { vaultIdHex: 'ab'.repeat(16), relayOrigin: 'https://relay.example' },
      { vaultIdHex: 'not-a-vault-id', relayOrigin: 'https://relay.example' },
    ]);
    directory.close();
    expect(await listVaults(idb.indexedDB)).toEqual([{ id: 'ab'.repeat(16), relayOrigin: 'https://relay.example' }]);
    // Dexie opens it again afterwards, as the unlock does.
    const again = openDirectoryDb(idb);
    expect(await again.vaults.count()).toBe(2);
    again.close();
  });

  it('lets Dexie create the directory later after a first-visit look', async () => {
    const idb = testIdb();
    expect(await listVaults(idb.indexedDB)).toEqual([]);
    const directory = openDirectoryDb(idb);
    await directory.vaults.put({ vaultIdHex: 'cd'.repeat(16), relayOrigin: 'https://relay.example' });
    directory.close();
    expect((await listVaults(idb.indexedDB)).map((v) => v.id)).toEqual(['cd'.repeat(16)]);
  });
});
