/**
 * The client core: records model (Yjs), encrypted local store (Dexie), sync, sharing, access log.
 * The UI talks only to this facade. Filled by the vault issue.
 */
export {};
