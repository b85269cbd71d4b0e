// A whole IndexedDB origin as JSON, so vaults made by an older build can be committed as fixtures and opened by
// today's code (issue 14: "vaults made by a16b06f and by main just before the format change open after the
// migration"). Schema (stores, key paths, indexes) and every row are kept; bytes are written as base64.
import type { IDBFactory } from 'fake-indexeddb';

export interface IdbSnapshot {
  databases: {
    name: string;
    version: number;
    stores: {
      name: string;
      keyPath: string | string[] | null;
      autoIncrement: boolean;
      indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
      rows: { key: unknown; value: unknown }[];
    }[];
  }[];
}

const toJson = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof ArrayBuffer) return { $buffer: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
};

const fromJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const v = value as { $bytes?: string; $buffer?: string };
    if (typeof v.$bytes === 'string') return new Uint8Array(Buffer.from(v.$bytes, 'base64'));
    if (typeof v.$buffer === 'string') {
      const bytes = Buffer.from(v.$buffer, 'base64');
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, fromJson(x)]));
  }
  return value;
};

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });

/** Every database of the factory, its schema and rows. */
export async function exportIdb(factory: IDBFactory): Promise<IdbSnapshot> {
  const out: IdbSnapshot = { databases: [] };
  for (const info of await factory.databases()) {
    if (info.name === undefined) continue;
    const db = await done(factory.open(info.name));
    const stores: IdbSnapshot['databases'][number]['stores'] = [];
    for (const name of [...db.objectStoreNames].sort()) {
      const tx = db.transaction(name, 'readonly');
      const store = tx.objectStore(name);
      const keys = await done(store.getAllKeys());
      const values = await done(store.getAll());
      stores.push({
        name,
        keyPath: store.keyPath,
        autoIncrement: store.autoIncrement,
        indexes: [...store.indexNames].sort().map((i) => {
          const index = store.index(i);
          return { name: i, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
        }),
        rows: keys.map((key, i) => ({ key: toJson(key), value: toJson(values[i]) })),
      });
    }
    out.databases.push({ name: info.name, version: db.version, stores });
    db.close();
  }
  out.databases.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/** Writes a snapshot into an empty factory, schema first, then the rows with their keys. */
export async function importIdb(factory: IDBFactory, snapshot: IdbSnapshot): Promise<void> {
  for (const database of snapshot.databases) {
    const request = factory.open(database.name, database.version);
    request.onupgradeneeded = () => {
      for (const s of database.stores) {
        const store = request.result.createObjectStore(s.name, {
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
        for (const i of s.indexes) store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
      }
    };
    const db = await done(request);
    for (const s of database.stores) {
      const tx = db.transaction(s.name, 'readwrite');
      const store = tx.objectStore(s.name);
      for (const row of s.rows) {
        const value = fromJson(row.value);
        if (s.keyPath === null) store.put(value, fromJson(row.key) as IDBValidKey);
        else store.put(value);
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('import failed'));
      });
    }
    db.close();
  }
}
