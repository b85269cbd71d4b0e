import * as Y from 'yjs';
import {
  entryFromRecord,
  indexRecords,
  indexRoots,
  indexTombstones,
  newIndexDoc,
  readIndexEntry,
  readTombstone,
  sameEntry,
  writeIndexEntry,
  writeTombstone,
} from './index-doc.ts';
import { newRecordDoc, readRecordDoc } from './record-doc.ts';
import { createKeyHolders } from './key-holders.ts';
import { isShardHex, parseShardHex, shardHex } from './shard-ids.ts';
import type { IndexEntry, RecordData, Stamp } from './record-schema.ts';
import { createSearchIndex, type SearchIndex } from './search-index.ts';
import { compareNewestFirst } from './timeline.ts';
import { isVaultError, VaultError } from './vault-error.ts';

/** Transaction origins: local edits (to be sealed and sent) and updates that came from storage or the wire. */
export const LOCAL = Symbol('carnet.local');
export const REMOTE = Symbol('carnet.remote');

/** Which document a raw update belongs to: a record, the index root, or an index shard (§7.7). */
export type DocTarget = { kind: 'record'; id: string } | { kind: 'index' } | { kind: 'shard'; id: string };

/** What a catalogue page (§18.7) says of a shard that is not loaded: the overview's entries and tombstones. */
export interface ShardSummary {
  readonly entries: readonly IndexEntry[];
  readonly unlisted: readonly string[];
  readonly tombstones: readonly { readonly id: string; readonly by: number; readonly at: number }[];
}

/** Where this model adds new records (§7.7): its own open shard. */
export interface ShardOptions {
  /** The vault's shard prefix P, 20 hex characters. */
  readonly prefix: string;
  /** This device's membership index: the `c` of the shards it creates. */
  readonly creator: number;
  /** Keys per shard before the next one is opened (1,024; tests use fewer). */
  readonly capacity: number;
  /** Yjs client ids of new documents. */
  readonly clientId: () => number;
}

/**
 * The model's in-memory state and the one routine that keeps it consistent: after any change to a record or to
 * the index, `settle` re-reads what changed, repairs index entries that disagree with their loaded record,
 * refreshes the search index, and reports the changed ids. No module-level state: one per open vault.
 */
export interface ModelState {
  /** The index root: nothing per record (§7.7). Its v1 maps are read only by the migration. */
  readonly index: Y.Doc;
  /** Index shards loaded in this model, by shard id (hex). */
  readonly shards: Map<string, Y.Doc>;
  readonly records: Map<string, Y.Doc>;
  readonly entries: Map<string, IndexEntry>;
  /** Deleted records: who deleted them and when. */
  readonly tombstones: Map<string, Stamp>;
  readonly invalid: Map<string, VaultError>;
  readonly search: SearchIndex;
  newRecord(id: string, clientId: number): Y.Doc;
  isShard(hex: string): boolean;
  /** The shard document `hex`, created empty when not loaded yet (rows are then applied into it). */
  shard(hex: string): Y.Doc;
  /** The id of the shard holding a record's key: the lowest shard id when several do (§7.7). */
  shardIdOf(id: string): string | undefined;
  /** True when a loaded shard holds `id` as an entry, a root or a tombstone. */
  hasKey(id: string): boolean;
  /** The shard this device adds a new record to: its newest own shard, or the next one when that is full. */
  openShard(): Y.Doc;
  /** Shows shards that are not loaded from their catalogue pages; returns the ids of the entries shown. */
  useCatalogue(pages: ReadonlyMap<string, ShardSummary>): string[];
  isShardLoaded(hex: string): boolean;
  dropRecord(id: string): void;
  markRecord(id: string): void;
  /** Processes every pending change; returns the ids that changed and those now unreadable. */
  settle(): { ids: string[]; invalid: string[] };
  /** Live (not deleted) entries, newest first; cached until the index changes. */
  sortedEntries(): readonly IndexEntry[];
  onLocalUpdate(listener: (target: DocTarget, update: Uint8Array) => void): () => void;
  /**
   * Applies stored or received bytes with the REMOTE origin. The doc's 'update' listener is detached meanwhile:
   * Yjs re-encodes every transaction for 'update' listeners whatever its origin, which for a large vault's
   * index (3 MB of state) doubled the time to the overview; remote updates are never re-emitted anyway.
   */
  applyRemote(doc: Y.Doc, bytes: Uint8Array): void;
  destroy(): void;
}

/** The text a record contributes to full-text search. */
export function searchTexts(record: RecordData): string[] {
  const texts = [record.title, record.note, record.author, record.organisation, ...record.tags];
  for (const observation of record.observations) texts.push(observation.name, observation.value);
  for (const attachment of record.attachments) texts.push(attachment.name);
  return texts;
}

export function createModelState(indexClientId: number, shardOptions: ShardOptions): ModelState {
  const index = newIndexDoc(indexClientId);
  const shards = new Map<string, Y.Doc>();
  /** Which shards hold each key: loaded shards, and shards known only by their catalogue page. */
  const holders = createKeyHolders();
  /** Shards known only by their catalogue page (§18.7), until they load. */
  const catalogued = new Map<string, ShardSummary>();
  const records = new Map<string, Y.Doc>();
  const entries = new Map<string, IndexEntry>();
  const tombstones = new Map<string, Stamp>();
  const invalid = new Map<string, VaultError>();
  const search = createSearchIndex();
  const dirtyRecords = new Set<string>();
  const dirtyEntries = new Set<string>();
  const updateListeners = new Set<(target: DocTarget, update: Uint8Array) => void>();
  let sorted: IndexEntry[] | undefined;

  const emitUpdate = (target: DocTarget, update: Uint8Array) => {
    for (const listener of updateListeners) listener(target, update);
  };

  const handlers = new WeakMap<Y.Doc, (update: Uint8Array, origin: unknown) => void>();
  const listen = (doc: Y.Doc, target: DocTarget): void => {
    const handler = (update: Uint8Array, origin: unknown): void => {
      if (origin === LOCAL) emitUpdate(target, update);
    };
    handlers.set(doc, handler);
    doc.on('update', handler);
  };
  listen(index, { kind: 'index' });

  /** Keeps `holders` in line with shard `hex` for `key`. */
  function track(hex: string, doc: Y.Doc, key: string): void {
    if (indexRecords(doc).has(key) || indexTombstones(doc).has(key) || indexRoots(doc).has(key)) holders.add(key, hex);
    else holders.delete(key, hex);
  }

  /** The keys a catalogue page lists. */
  function* summaryKeys(summary: ShardSummary): Generator<string> {
    for (const entry of summary.entries) yield entry.id;
    yield* summary.unlisted;
    for (const tombstone of summary.tombstones) yield tombstone.id;
  }

  function shard(hex: string): Y.Doc {
    const known = shards.get(hex);
    if (known !== undefined) return known;
    if (!isShardHex(shardOptions.prefix, hex)) throw new VaultError('invalid_input', `${hex} is not an index shard`);
    // The shard's own document replaces its catalogue page: its keys are tracked again as its rows apply.
    const summary = catalogued.get(hex);
    if (summary !== undefined) {
      catalogued.delete(hex);
      for (const key of summaryKeys(summary)) {
        holders.delete(key, hex);
        dirtyEntries.add(key);
      }
    }
    const doc = newIndexDoc(shardOptions.clientId());
    listen(doc, { kind: 'shard', id: hex });
    const mark = (event: Y.YMapEvent<unknown>): void => {
      for (const key of event.keys.keys()) {
        track(hex, doc, key);
        dirtyEntries.add(key);
      }
    };
    indexRecords(doc).observe(mark);
    indexTombstones(doc).observe(mark);
    indexRoots(doc).observe(mark);
    shards.set(hex, doc);
    return doc;
  }

  const shardIdOf = (id: string): string | undefined => holders.lowest(id);

  const shardOf = (id: string): Y.Doc | undefined => {
    const hex = shardIdOf(id);
    return hex === undefined ? undefined : shards.get(hex);
  };

  function openShard(): Y.Doc {
    let newest = -1;
    for (const hex of [...shards.keys(), ...catalogued.keys()]) {
      const { creator, number } = parseShardHex(hex);
      if (creator === shardOptions.creator) newest = Math.max(newest, number);
    }
    if (newest >= 0) {
      const hex = shardHex(shardOptions.prefix, shardOptions.creator, newest);
      if (holders.count(hex) < shardOptions.capacity) return shard(hex);
    }
    return shard(shardHex(shardOptions.prefix, shardOptions.creator, newest + 1));
  }

  function newRecord(id: string, clientId: number): Y.Doc {
    const doc = newRecordDoc(id, clientId);
    listen(doc, { kind: 'record', id });
    records.set(id, doc);
    return doc;
  }

  function dropRecord(id: string): void {
    records.get(id)?.destroy();
    records.delete(id);
    invalid.delete(id);
  }

  function repair(record: RecordData): void {
    if (tombstones.has(record.id)) return;
    // The entry lives in the record's shard; without it loaded there is nowhere to write (the record's key
    // comes from that shard, so a readable record always has it).
    const doc = shardOf(record.id);
    if (doc === undefined) return;
    const current = entries.get(record.id);
    const wanted = entryFromRecord(record);
    if (current !== undefined && sameEntry(current, wanted)) return;
    doc.transact(() => writeIndexEntry(doc, wanted), LOCAL);
  }

  function settleRecord(id: string, changed: Set<string>, bad: Set<string>): void {
    const doc = records.get(id);
    if (doc === undefined) return;
    changed.add(id);
    let record: RecordData;
    try {
      record = readRecordDoc(doc, id);
    } catch (error) {
      if (!isVaultError(error)) throw error;
      invalid.set(id, error);
      bad.add(id);
      return;
    }
    invalid.delete(id);
    search.set(id, searchTexts(record));
    repair(record);
  }

  function settleEntry(id: string, changed: Set<string>): void {
    changed.add(id);
    sorted = undefined;
    const hex = shardIdOf(id);
    const doc = hex === undefined ? undefined : shards.get(hex);
    if (doc === undefined) {
      const summary = hex === undefined ? undefined : catalogued.get(hex);
      const listed = summary === undefined ? undefined : fromSummary(summary, id);
      if (listed?.tombstone !== undefined) {
        tombstones.set(id, listed.tombstone);
        entries.delete(id);
        dropRecord(id);
        search.remove(id);
      } else if (listed?.entry !== undefined) {
        entries.set(id, listed.entry);
      } else {
        entries.delete(id);
        if (!records.has(id)) search.remove(id);
      }
      return;
    }
    const tombstone = readTombstone(doc, id);
    if (tombstone !== undefined) {
      tombstones.set(id, tombstone);
      entries.delete(id);
      dropRecord(id);
      search.remove(id);
      // An entry or root written by a device that had not yet seen the deletion: erase it here too.
      if (indexRecords(doc).has(id) || indexRoots(doc).has(id)) {
        doc.transact(() => writeTombstone(doc, id, tombstone), LOCAL);
      }
      return;
    }
    let entry: IndexEntry | undefined;
    try {
      entry = readIndexEntry(doc, id);
    } catch (error) {
      if (!isVaultError(error)) throw error;
      entry = undefined;
    }
    if (entry === undefined) entries.delete(id);
    else entries.set(id, entry);
    // A loaded, readable record is the truth: put the entry back in line with it.
    // The in-memory index holds loaded records only: the others are answered by the persisted index, each
    // record by exactly one source (§18.7), never by its entry (a cache that may lag behind the record).
    if (records.has(id)) dirtyRecords.add(id);
    else search.remove(id);
  }

  /** A key's entry and tombstone as a catalogue page lists them (one lookup table per page, built once). */
  const summaryIndex = new WeakMap<ShardSummary, Map<string, IndexEntry | Stamp>>();
  function fromSummary(summary: ShardSummary, id: string): { entry?: IndexEntry; tombstone?: Stamp } | undefined {
    let byId = summaryIndex.get(summary);
    if (byId === undefined) {
      byId = new Map();
      for (const entry of summary.entries) byId.set(entry.id, entry);
      for (const t of summary.tombstones) byId.set(t.id, { by: t.by, at: t.at });
      summaryIndex.set(summary, byId);
    }
    const found = byId.get(id);
    if (found === undefined) return undefined;
    return 'id' in found ? { entry: found } : { tombstone: found };
  }

  /**
   * Shows the shards not loaded from their catalogue pages (unlock, §18.7): entries and tombstones go straight
   * into the maps, without the dirty-key machinery, which would cost several map operations per entry for
   * 100,000 of them. A key also held by a lower shard is left to that shard.
   */
  function useCatalogue(pages: ReadonlyMap<string, ShardSummary>): string[] {
    const shown: string[] = [];
    for (const [hex, summary] of pages) {
      if (shards.has(hex)) continue;
      catalogued.set(hex, summary);
      for (const key of summaryKeys(summary)) holders.add(key, hex);
    }
    for (const [hex, summary] of pages) {
      if (catalogued.get(hex) !== summary) continue;
      for (const entry of summary.entries) {
        if (holders.lowest(entry.id) !== hex || tombstones.has(entry.id)) continue;
        entries.set(entry.id, entry);
        shown.push(entry.id);
      }
      for (const t of summary.tombstones) {
        if (holders.lowest(t.id) !== hex) continue;
        tombstones.set(t.id, { by: t.by, at: t.at });
        entries.delete(t.id);
      }
    }
    sorted = undefined;
    return shown;
  }

  function settle(): { ids: string[]; invalid: string[] } {
    const changed = new Set<string>();
    const bad = new Set<string>();
    // Repairs write to the index, which marks entries dirty, which may mark records dirty: loop until quiet.
    // Each repair writes the record's own values, so the second pass finds nothing left to do.
    for (let round = 0; dirtyRecords.size > 0 || dirtyEntries.size > 0; round++) {
      if (round > 8) throw new VaultError('invalid_doc', 'index repair did not settle');
      const entryIds = [...dirtyEntries];
      dirtyEntries.clear();
      for (const id of entryIds) settleEntry(id, changed);
      const recordIds = [...dirtyRecords];
      dirtyRecords.clear();
      for (const id of recordIds) settleRecord(id, changed, bad);
    }
    return { ids: [...changed], invalid: [...bad] };
  }

  return {
    index,
    shards,
    records,
    entries,
    tombstones,
    invalid,
    search,
    newRecord,
    isShard: (hex) => isShardHex(shardOptions.prefix, hex),
    shard,
    shardIdOf,
    hasKey: (id) => holders.has(id),
    useCatalogue,
    isShardLoaded: (hex) => shards.has(hex),
    openShard,
    dropRecord,
    markRecord: (id) => dirtyRecords.add(id),
    settle,
    sortedEntries() {
      sorted ??= [...entries.values()].sort(compareNewestFirst);
      return sorted;
    },
    onLocalUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    applyRemote(doc, bytes) {
      const handler = handlers.get(doc);
      if (handler !== undefined) doc.off('update', handler);
      try {
        Y.applyUpdate(doc, bytes, REMOTE);
      } finally {
        if (handler !== undefined) doc.on('update', handler);
      }
    },
    destroy() {
      for (const doc of records.values()) doc.destroy();
      records.clear();
      for (const doc of shards.values()) doc.destroy();
      shards.clear();
      holders.clear();
      catalogued.clear();
      entries.clear();
      tombstones.clear();
      invalid.clear();
      search.clear();
      index.destroy();
      updateListeners.clear();
      sorted = undefined;
    },
  };
}
