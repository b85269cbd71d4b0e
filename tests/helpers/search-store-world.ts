// A vault-shaped world for the persisted search index tests: real Dexie tables on fake-indexeddb, real XK
// sealing, plain envelope rows whose content the test keeps beside them (readTexts reads a texts map, so record
// content needs no encryption here), and switches that make the job fail where a crash could cut it.
import { Dexie } from 'dexie';
import { derivedKey, hash, openDerivedRow, sealDerivedRow, sodium, TYPE, toHex } from '#crypto';
import { createSearchStore, type SearchStore, type SearchStoreDeps } from '#vault/derived/search-store';
import { queryTokens, searchTerms } from '#vault/derived/search-terms';
import { openVaultDb, type VaultDb } from '#vault/store/vault-db';
import { testIdb } from './vault-access.ts';

export const FAMILY_ID = 'f'.repeat(32);

export interface SearchWorld {
  db: VaultDb;
  deps: SearchStoreDeps;
  texts: Map<string, string[]>;
  deleted: Set<string>;
  reports: { code: 'tampered_row'; table: 'search'; key?: string }[];
  /** Ids handed to readTexts, in call order. */
  reads: string[][];
  /** Switches the next job steps trip over (each fires once). */
  trip: { readThrows: boolean; sealThrowsAfter: number | undefined; editDuringRead: string | undefined };
  /** A commit: one more envelope row of `id` and its new texts. */
  edit(id: string, texts: string[]): Promise<number>;
  /** Index family rows (root, shards): never records. */
  familyRow(): Promise<number>;
  store(): SearchStore;
  /** Every live record matching `query`, by brute force over searchTerms. */
  bruteForce(query: string): Set<string>;
  openRaw(key: string, bytes: Uint8Array): Uint8Array;
  close(): void;
}

export function searchWorld(): SearchWorld {
  const vaultId = sodium().randombytes_buf(16);
  const xk = derivedKey(sodium().randombytes_buf(32));
  const db = openVaultDb(toHex(vaultId), testIdb());
  const place = (key: string) => ({ vaultId, table: 'search', primaryKey: new TextEncoder().encode(key) });
  const texts = new Map<string, string[]>();
  const deleted = new Set<string>();
  const reports: SearchWorld['reports'] = [];
  const reads: string[][] = [];
  const trip: SearchWorld['trip'] = { readThrows: false, sealThrowsAfter: undefined, editDuringRead: undefined };

  async function addRow(recordId: string): Promise<number> {
    const row = { recordId, type: TYPE.update, author: 0, seq: 0, epoch: 0, rv: 0, bytes: new Uint8Array(1) };
    return (await db.envelopes.add(row)) as number;
  }
  async function edit(id: string, next: string[]): Promise<number> {
    const rowId = await addRow(id);
    texts.set(id, next);
    return rowId;
  }
  const live = (): string[] => [...texts.keys()].filter((id) => !deleted.has(id));

  const deps: SearchStoreDeps = {
    db,
    seal(key, raw) {
      if (trip.sealThrowsAfter !== undefined) {
        if (trip.sealThrowsAfter === 0) {
          trip.sealThrowsAfter = undefined;
          throw new Error('disk full (test)');
        }
        trip.sealThrowsAfter -= 1;
      }
      return sealDerivedRow(xk, place(key), raw);
    },
    open: (key, row) => openDerivedRow(xk, place(key), row),
    hash: (bytes) => hash(bytes),
    report: (problem) => reports.push(problem),
    liveIds: live,
    isDeleted: (id) => deleted.has(id),
    isFamily: (id) => id === FAMILY_ID,
    async readTexts(ids) {
      reads.push([...ids]);
      if (trip.readThrows) {
        trip.readThrows = false;
        throw new Error('tab closed mid-read (test)');
      }
      const out = new Map<string, { src: number; texts: readonly string[] }>();
      for (const id of ids) {
        const last = await db.envelopes.where('[recordId+id]').between([id, Dexie.minKey], [id, Dexie.maxKey]).last();
        if (last?.id !== undefined) out.set(id, { src: last.id, texts: [...(texts.get(id) ?? [])] });
      }
      const during = trip.editDuringRead;
      if (during !== undefined && out.has(during)) {
        trip.editDuringRead = undefined;
        await edit(during, ['edited meanwhile']);
      }
      return out;
    },
    withLock: (run) => run(),
    isClosed: () => false,
  };

  return {
    db,
    deps,
    texts,
    deleted,
    reports,
    reads,
    trip,
    edit,
    familyRow: () => addRow(FAMILY_ID),
    store: () => createSearchStore(deps),
    bruteForce(query) {
      const tokens = queryTokens(query);
      const terms = (id: string): string[] => searchTerms(texts.get(id) ?? []);
      return new Set(live().filter((id) => tokens.every((t) => terms(id).some((term) => term.startsWith(t)))));
    },
    openRaw: (key, bytes) => openDerivedRow(xk, place(key), bytes),
    close: () => db.close(),
  };
}
