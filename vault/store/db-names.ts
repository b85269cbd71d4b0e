// docs/PROTOCOL.md §18.1: the names of the IndexedDB databases, apart from vault-db.ts so that code which only
// needs a name (list-vaults.ts, on the first screen) does not pull Dexie in.
export const DIRECTORY_DB = 'carnet-v1';
export const DIRECTORY_STORE = 'vaults';
export const vaultDbName = (vaultIdHex: string): string => `carnet-v1-${vaultIdHex}`;
