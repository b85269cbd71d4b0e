import * as Y from 'yjs';
import {
  entryFromRecord,
  indexRecords,
  indexTombstones,
  newIndexDoc,
  readIndexEntry,
  readTombstone,
  sameEntry,
  writeIndexEntry,
  writeTombstone,
} from './index-doc.ts';
import { newRecordDoc, readRecordDoc } from './record-doc.ts';
import type { IndexEntry, RecordData, Stamp } from './record-schema.ts';
import { createSearchIndex, type SearchIndex } from './search-index.ts';
import { compareNewestFirst } from './timeline.ts';
import { isVaultError, VaultError } from './vault-error.ts';

/** Transaction origins: local edits (to be sealed and sent) and updates that came from storage or the wire. */
export const LOCAL = Symbol('carnet.local');
export const REMOTE = Symbol('carnet.remote');

/** Which document a raw update belongs to. */
export type DocTarget = { kind: 'record'; id: string } | { kind: 'index' };

/**
 * The model's in-memory state and the one routine that keeps it consistent: after any change to a record or to
 * the index, `settle` re-reads what changed, repairs index entries that disagree with their loaded record,
 * refreshes the search index, and reports the changed ids. No module-level state: one per open vault.
 */
export interface ModelState {
  readonly index: Y.Doc;
  readonly records: Map<string, Y.Doc>;
  readonly entries: Map<string, IndexEntry>;
  /** Deleted records: who deleted them and when. */
  readonly tombstones: Map<string, Stamp>;
  readonly invalid: Map<string, VaultError>;
  readonly search: SearchIndex;
  newRecord(id: string, clientId: number): Y.Doc;
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

export function createModelState(indexClientId: number): ModelState {
  const index = newIndexDoc(indexClientId);
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
  const recordsMap = indexRecords(index);
  recordsMap.observe((event) => {
    for (const key of event.keys.keys()) dirtyEntries.add(key);
  });
  indexTombstones(index).observe((event) => {
    for (const key of event.keys.keys()) dirtyEntries.add(key);
  });

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
    const current = entries.get(record.id);
    const wanted = entryFromRecord(record);
    if (current !== undefined && sameEntry(current, wanted)) return;
    index.transact(() => writeIndexEntry(index, wanted), LOCAL);
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
    const tombstone = readTombstone(index, id);
    if (tombstone !== undefined) {
      tombstones.set(id, tombstone);
      entries.delete(id);
      dropRecord(id);
      search.remove(id);
      // An entry written by a device that had not yet seen the deletion: erase it here too.
      if (indexRecords(index).has(id)) index.transact(() => writeTombstone(index, id, tombstone), LOCAL);
      return;
    }
    let entry: IndexEntry | undefined;
    try {
      entry = readIndexEntry(index, id);
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
    records,
    entries,
    tombstones,
    invalid,
    search,
    newRecord,
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
