// A vault on fake-indexeddb for Node tests: a fresh IndexedDB per call, the KDF at its floor (the floor is still
// enforced by crypto), and a relay descriptor. Attachments are the real store unless a test passes its own.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { KDF_FLOOR } from '#crypto';
import { createVaultAccess, type VaultAccessOptions } from '#vault/create-vault-access';

export const TEST_RELAY = { origin: 'https://relay.carnet.example', publicKeyHex: '11'.repeat(32) };
export const TEST_PASSPHRASE = 'correct horse battery staple';

export function testIdb(): { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange } {
  return { indexedDB: new IDBFactory(), IDBKeyRange };
}

export function testAccess(idb = testIdb(), extra: Partial<VaultAccessOptions> = {}) {
  return { idb, access: createVaultAccess({ idb, kdfLadder: [KDF_FLOOR], ...extra }) };
}

/** Every value of every object store, read back through the IndexedDB API (what the at-rest test scans). */
export async function dumpDatabase(factory: IDBFactory, name: string): Promise<Map<string, unknown[]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  const out = new Map<string, unknown[]>();
  try {
    for (const store of db.objectStoreNames) {
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const tx = db.transaction(store, 'readonly');
        const keys = tx.objectStore(store).getAllKeys();
        const values = tx.objectStore(store).getAll();
        tx.oncomplete = () => resolve([...(keys.result as unknown[]), ...(values.result as unknown[])]);
        tx.onerror = () => reject(tx.error ?? new Error('read failed'));
      });
      out.set(store, rows);
    }
  } finally {
    db.close();
  }
  return out;
}
