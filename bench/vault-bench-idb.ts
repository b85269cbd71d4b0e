// Raw IndexedDB reads for `npm run bench -- vault`: what each store holds, counted by one rule for the vault and
// for the plaintext baseline alike. Nothing here goes through Dexie or y-indexeddb.
//
// The byte rule: for every row, its primary key plus its value, where a Uint8Array / ArrayBuffer / Blob counts
// its length, a string its UTF-8 length, a number 8, a boolean 1, null and undefined 0, and arrays and plain
// objects the sum of their elements or property values (property names are not counted: they are the same
// few words in every row, and a real engine stores them once per row or not at all).

export interface StoreBytes {
  store: string;
  rows: number;
  keyBytes: number;
  valueBytes: number;
}

const encoder = new TextEncoder();

export function sizeOf(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return encoder.encode(value).length;
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 1;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
  if (value instanceof Blob) return value.size;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + sizeOf(item), 0);
  if (typeof value === 'object') return Object.values(value).reduce((sum: number, item) => sum + sizeOf(item), 0);
  throw new TypeError(`no byte rule for ${typeof value}`);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => {
      resolve(req.result);
    };
    req.onerror = () => {
      reject(req.error ?? new Error('IndexedDB request failed'));
    };
  });
}

/** Opens an existing database as it is (no version change). */
export function openExisting(name: string): Promise<IDBDatabase> {
  const req = indexedDB.open(name);
  req.onupgradeneeded = () => {
    req.transaction?.abort();
  };
  return request(req);
}

/** Every row of one store: its primary key and its value. */
export async function readStore(db: IDBDatabase, store: string): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
  const tx = db.transaction(store, 'readonly');
  const [keys, values] = await Promise.all([
    request(tx.objectStore(store).getAllKeys()),
    request(tx.objectStore(store).getAll()),
  ]);
  return { keys, values: values as unknown[] };
}

/** Bytes of every store of `name` except those in `skip`, by the rule above. */
export async function databaseBytes(name: string, skip: readonly string[] = []): Promise<StoreBytes[]> {
  const db = await openExisting(name);
  try {
    const out: StoreBytes[] = [];
    for (const store of [...db.objectStoreNames].sort()) {
      if (skip.includes(store)) continue;
      const { keys, values } = await readStore(db, store);
      out.push({ store, rows: keys.length, keyBytes: sizeOf(keys), valueBytes: sizeOf(values) });
    }
    return out;
  } finally {
    db.close();
  }
}

/** Rows of `store` in `name` (the population phase polls the envelope count until compaction is done). */
export async function countRows(name: string, store: string): Promise<number> {
  const db = await openExisting(name);
  try {
    return await request(db.transaction(store, 'readonly').objectStore(store).count());
  } finally {
    db.close();
  }
}

/** The databases of this origin whose names start with `prefix`. */
export async function databasesNamed(prefix: string): Promise<string[]> {
  const all = await indexedDB.databases();
  return all.flatMap((d) => (d.name?.startsWith(prefix) === true ? [d.name] : []));
}

export function totalBytes(stores: readonly StoreBytes[]): number {
  return stores.reduce((sum, s) => sum + s.keyBytes + s.valueBytes, 0);
}
