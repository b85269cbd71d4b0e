import type { VaultSummary } from '../vault-api.ts';
import { DIRECTORY_DB, DIRECTORY_STORE } from './db-names.ts';

const VAULT_ID = /^[0-9a-f]{32}$/;

/**
 * The vaults this browser holds, read from the directory database (§18.1) with the bare IndexedDB API.
 * The first screen (unlock or onboarding) needs only this answer; reading it without Dexie keeps Dexie, Yjs
 * and libsodium off the first load (vault/create-vault-access.ts loads them when a vault is opened).
 * Never creates the database: a browser without a vault is left as it was.
 *
 * @example
 * const vaults = await listVaults(indexedDB); // [{ id: '3f…', relayOrigin: 'https://carnet.example' }]
 */
export async function listVaults(idb: IDBFactory): Promise<VaultSummary[]> {
  const rows = await readDirectory(idb);
  return rows.flatMap((row) => {
    if (typeof row !== 'object' || row === null) return [];
    const { vaultIdHex, relayOrigin } = row as Record<string, unknown>;
    if (typeof vaultIdHex !== 'string' || !VAULT_ID.test(vaultIdHex)) return [];
    return [{ id: vaultIdHex, relayOrigin: typeof relayOrigin === 'string' ? relayOrigin : '' }];
  });
}

function readDirectory(idb: IDBFactory): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    // No version: open whatever version Dexie wrote. An upgrade is then only ever a database that does not exist.
    const request = idb.open(DIRECTORY_DB);
    let absent = false;
    request.onupgradeneeded = () => {
      absent = true;
      request.transaction?.abort();
    };
    request.onerror = () => {
      if (absent) resolve([]);
      else reject(request.error ?? new Error(`cannot open ${DIRECTORY_DB}`));
    };
    request.onblocked = () => reject(new Error(`${DIRECTORY_DB} is blocked by another tab`));
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the directory is not held up by this short read.
      db.onversionchange = () => db.close();
      if (!db.objectStoreNames.contains(DIRECTORY_STORE)) {
        db.close();
        resolve([]);
        return;
      }
      const read = db.transaction(DIRECTORY_STORE, 'readonly').objectStore(DIRECTORY_STORE).getAll();
      read.onsuccess = () => {
        db.close();
        resolve(read.result);
      };
      read.onerror = () => {
        db.close();
        reject(read.error ?? new Error(`cannot read ${DIRECTORY_DB}`));
      };
    };
  });
}
