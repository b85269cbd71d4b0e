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
  /** Record id -> the loaded shards holding its key; shard id -> how many keys it holds. */
  const keyShards = new Map<string, Set<string>>();
  const keyCounts = new Map<string, number>();
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

  /** Keeps `keyShards` and `keyCounts` in line with shard `hex` for `key`. */
  function track(hex: string, doc: Y.Doc, key: string): void {
    const held = indexRecords(doc).has(key) || indexTombstones(doc).has(key) || indexRoots(doc).has(key);
    let holders = keyShards.get(key);
    if (held && !holders?.has(hex)) {
      if (holders === undefined) keyShards.set(key, (holders = new Set()));
      holders.add(hex);
      keyCounts.set(hex, (keyCounts.get(hex) ?? 0) + 1);
    } else if (!held && holders?.has(hex) === true) {
      holders.delete(hex);
      if (holders.size === 0) keyShards.delete(key);
      keyCounts.set(hex, (keyCounts.get(hex) ?? 1) - 1);
    }
  }

  function shard(hex: string): Y.Doc {
    const known = shards.get(hex);
    if (known !== undefined) return known;
    if (!isShardHex(shardOptions.prefix, hex)) throw new VaultError('invalid_input', `${hex} is not an index shard`);
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

  function shardIdOf(id: string): string | undefined {
    const holders = keyShards.get(id);
    if (holders === undefined) return undefined;
    let lowest: string | undefined;
    for (const hex of holders) if (lowest === undefined || hex < lowest) lowest = hex;
    return lowest;
  }

  const shardOf = (id: string): Y.Doc | undefined => {
    const hex = shardIdOf(id);
    return hex === undefined ? undefined : shards.get(hex);
  };

  function openShard(): Y.Doc {
    let newest = -1;
    for (const hex of shards.keys()) {
      const { creator, number } = parseShardHex(hex);
      if (creator === shardOptions.creator) newest = Math.max(newest, number);
    }
    if (newest >= 0) {
      const hex = shardHex(shardOptions.prefix, shardOptions.creator, newest);
      if ((keyCounts.get(hex) ?? 0) < shardOptions.capacity) return shard(hex);
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
    const doc = shardOf(id);
    if (doc === undefined) {
      entries.delete(id);
      if (!records.has(id)) search.remove(id);
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
    if (records.has(id)) dirtyRecords.add(id);
    else if (entry === undefined) search.remove(id);
    else search.set(id, [entry.title, entry.author, entry.organisation]);
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
    hasKey: (id) => keyShards.has(id),
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
      keyShards.clear();
      keyCounts.clear();
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
