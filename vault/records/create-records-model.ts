import * as v from 'valibot';
import type * as Y from 'yjs';
import { readRoot, writeRoot, writeTombstone } from './index-doc.ts';
import {
  AttachmentInput,
  ObservationInput,
  ObservationPatch,
  RecordInput,
  RecordPatch,
  type ObservationInput as ObservationInputType,
} from './input-schema.ts';
import { createModelState, LOCAL, type DocTarget, type ShardSummary } from './model-state.ts';
import { createUpdatesApi } from './updates-api.ts';
import { parseInput } from './parse-input.ts';
import { nowSeconds, randomClientId, randomId, type Clock, type Random } from './ports.ts';
import { readRecordDoc } from './record-doc.ts';
import {
  AuthorIndex,
  Id,
  type AttachmentMeta,
  type IndexEntry,
  type Observation,
  type RecordData,
  type Stamp,
} from './record-schema.ts';
import * as write from './record-writes.ts';
import { LIMITS } from './limits.ts';
import { SHARD_CAPACITY, TEST_SHARD_PREFIX } from './shard-ids.ts';
import { entryMatcher, groupByMonth, RecordFilter, type TimelineMonth } from './timeline.ts';
import { VaultError } from './vault-error.ts';

export interface RecordsModelOptions {
  clock: Clock;
  random: Random;
  /** This device's membership index: every local change is attributed to it. */
  author: number;
  /**
   * The vault's index shard prefix P (20 hex characters, §7.1) and, for tests, the shard capacity (default
   * 1,024). A model made without a prefix (unit tests of the model alone) uses `TEST_SHARD_PREFIX`.
   */
  shards?: { prefix: string; capacity?: number };
}

/** What `onChange` reports after each facade call that changed something. */
export interface RecordsChange {
  /** Records whose content or index entry changed (deleted ones included). */
  ids: readonly string[];
  /** 'local' for this model's own edits, 'remote' for applied updates (and the repairs they caused). */
  origin: 'local' | 'remote';
  /** Records that became unreadable (`invalid_doc`): `get` throws for them until a later update fixes them. */
  invalid: readonly string[];
}

export type { DocTarget };

/** A positional edit of a note, as a text editor binding emits it. */
export interface NoteEdit {
  index: number;
  deleteCount: number;
  insert: string;
}

export type RecordsModel = ReturnType<typeof createRecordsModel>;

/** Full-text search over records whose content is not in the model (the persisted index). */
export interface SearchSource {
  query(text: string, answeredHere: (id: string) => boolean): ReadonlySet<string> | undefined;
}

const ShardPrefix = v.pipe(v.string(), v.regex(/^[0-9a-f]{20}$/));
const ShardCapacity = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(SHARD_CAPACITY));

/** The records facade. See vault/index.ts for an example. */
export function createRecordsModel(options: RecordsModelOptions) {
  const { clock, random } = options;
  const author = parseInput(AuthorIndex, options.author, 'author');
  const state = createModelState(randomClientId(random), {
    prefix: parseInput(ShardPrefix, options.shards?.prefix ?? TEST_SHARD_PREFIX, 'shard prefix'),
    creator: author,
    capacity: parseInput(ShardCapacity, options.shards?.capacity ?? SHARD_CAPACITY, 'shard capacity'),
    clientId: () => randomClientId(random),
  });
  const changeListeners = new Set<(change: RecordsChange) => void>();
  let searchSource: SearchSource | undefined;
  let destroyed = false;

  const stamp = (): Stamp => ({ by: author, at: nowSeconds(clock) });

  function alive(): void {
    if (destroyed) throw new VaultError('model_destroyed', 'the vault is locked');
  }

  function liveDoc(id: string): Y.Doc {
    alive();
    const doc = state.records.get(id);
    if (doc !== undefined) return doc;
    if (state.tombstones.has(id)) throw new VaultError('record_deleted', `record ${id} was deleted`);
    throw new VaultError('record_not_found', `no record ${id}`);
  }

  /** Settles the state and tells listeners; a throwing listener cannot break the model (rethrown later). */
  function finish(origin: 'local' | 'remote'): void {
    const { ids, invalid } = state.settle();
    if (ids.length === 0 && invalid.length === 0) return;
    const change: RecordsChange = { ids, origin, invalid };
    for (const listener of changeListeners) {
      try {
        listener(change);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Runs a local edit of one record after checking it is readable, then returns the record as stored. */
  function edit(id: string, change: (doc: Y.Doc, now: Stamp) => void): RecordData {
    const doc = liveDoc(id);
    readRecordDoc(doc, id);
    doc.transact(() => change(doc, stamp()), LOCAL);
    state.markRecord(id);
    finish('local');
    return readRecordDoc(doc, id);
  }

  function observationOf(record: RecordData, observationId: string): Observation {
    const found = record.observations.find((item) => item.id === observationId);
    if (found === undefined) throw new VaultError('item_not_found', `no observation ${observationId} in ${record.id}`);
    return found;
  }

  function addObservationTo(doc: Y.Doc, input: ObservationInputType, now: Stamp): string {
    if (doc.getArray('observations').length >= LIMITS.observations) {
      throw new VaultError('limit_exceeded', `a record holds at most ${LIMITS.observations} observations`);
    }
    const observationId = randomId(random);
    write.writeNewObservation(doc, observationId, input, now);
    return observationId;
  }

  function get(id: string): RecordData {
    const doc = liveDoc(id);
    const known = state.invalid.get(id);
    if (known !== undefined) throw known;
    return readRecordDoc(doc, id);
  }

  function filtered(filter: RecordFilter | undefined): IndexEntry[] {
    alive();
    const all = state.sortedEntries();
    if (filter === undefined) return [...all];
    return all.filter(entryMatcher(parseInput(RecordFilter, filter, 'filter')));
  }

  return {
    /** Creates a record and its index entry; returns it as stored. */
    create(input: RecordInput): RecordData {
      alive();
      const fields = parseInput(RecordInput, input, 'record');
      let id = randomId(random);
      // A drawn id that is taken, or that carries the shard prefix (probability 2^-80), is drawn again.
      while (state.records.has(id) || state.hasKey(id) || state.isShard(id)) id = randomId(random);
      // R_r first, in this device's open shard: the store derives the record key from it when it seals the
      // record's first update.
      const root = random.bytes(32);
      const shard = state.openShard();
      shard.transact(() => writeRoot(shard, id, root), LOCAL);
      const doc = state.newRecord(id, randomClientId(random));
      doc.transact(() => {
        const now = stamp();
        write.writeNewRecord(doc, { id, ...fields }, now);
        for (const observation of fields.observations) addObservationTo(doc, observation, now);
      }, LOCAL);
      state.markRecord(id);
      finish('local');
      return readRecordDoc(doc, id);
    },

    /** Changes metadata (category, title, date, author, organisation, level, tags). */
    update(id: string, patch: RecordPatch): RecordData {
      const parsed = parseInput(RecordPatch, patch, 'patch');
      return edit(id, (doc, now) => write.writePatch(doc, parsed, now));
    },

    /** The record, validated. Throws `record_not_found`, `record_deleted` or `invalid_doc`. */
    get,

    /** The index entry of a record (also for records whose content is not loaded), or undefined. */
    entry(id: string): IndexEntry | undefined {
      alive();
      return state.entries.get(id);
    },

    /** Live records from the index, newest date of care first. */
    list: (filter?: RecordFilter): IndexEntry[] => filtered(filter),

    /** `list` grouped by month (`YYYY-MM`), newest first. */
    timeline: (filter?: RecordFilter): TimelineMonth[] => groupByMonth(filtered(filter)),

    /**
     * Local full-text search over titles, notes, tags, names, lab observations and file names (accents and
     * case ignored, each word matched as a prefix, all words required); results newest first. An empty query
     * returns `list(filter)`.
     */
    search(query: string, filter?: RecordFilter): IndexEntry[] {
      alive();
      const text = parseInput(v.pipe(v.string(), v.maxLength(1000)), query, 'query');
      const ids = state.search.query(text);
      // Records not loaded here are answered by the persisted index (§18.7), each record by one source.
      const stored = searchSource?.query(text, (id) => state.records.has(id));
      const entries = filtered(filter);
      if (ids === undefined && stored === undefined) return entries;
      return entries.filter((entry) => ids?.has(entry.id) === true || stored?.has(entry.id) === true);
    },

    /**
     * Where records whose content is not loaded are searched (the persisted search index, §18.7): `query`
     * returns the matching ids among those `answeredHere` says no (undefined when the query has no word).
     */
    useSearchSource(source: SearchSource | undefined): void {
      searchSource = source;
    },

    /**
     * Prepares full-text search a slice at a time (up to `max` records); returns how many records are still
     * waiting. Search works without it (the first query does the rest); the vault calls it after loading every
     * record so that the first query is as fast as the next.
     */
    prepareSearch(max: number): number {
      alive();
      return state.search.indexPending(max);
    },

    /** Distinct document authors of live records, for the author filter. */
    authors(): string[] {
      alive();
      const names = new Set(state.sortedEntries().map((entry) => entry.author));
      names.delete('');
      return [...names].sort((a, b) => a.localeCompare(b));
    },

    /** Deletes a record: its content is dropped and the index keeps only a tombstone (docs/PROTOCOL.md §17.2). */
    remove(id: string): void {
      alive();
      if (state.tombstones.has(id)) throw new VaultError('record_deleted', `record ${id} was deleted`);
      const shardId = state.shardIdOf(id);
      const shard = shardId === undefined ? undefined : state.shards.get(shardId);
      if (shard === undefined || (!state.records.has(id) && !state.entries.has(id))) {
        throw new VaultError('record_not_found', `no record ${id}`);
      }
      state.dropRecord(id);
      state.search.remove(id);
      shard.transact(() => writeTombstone(shard, id, stamp()), LOCAL);
      finish('local');
    },

    /** Ids of the live records (listed, not deleted), in no order: cheaper than `list` for 100,000. */
    liveIds(): IterableIterator<string> {
      alive();
      return state.entries.keys();
    },

    /** Who deleted a record and when, or undefined when it is not deleted. */
    removed(id: string): Stamp | undefined {
      alive();
      return state.tombstones.get(id);
    },

    setNote(id: string, text: string): RecordData {
      const note = parseInput(v.pipe(v.string(), v.maxLength(LIMITS.noteChars)), text, 'note');
      return edit(id, (doc, now) => write.writeNote(doc, note, now));
    },

    editNote(id: string, change: NoteEdit): RecordData {
      const { index, deleteCount, insert } = parseInput(
        v.strictObject({
          index: v.pipe(v.number(), v.integer(), v.minValue(0)),
          deleteCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
          insert: v.pipe(v.string(), v.maxLength(LIMITS.noteChars)),
        }),
        change,
        'note edit',
      );
      const doc = liveDoc(id);
      if (
        doc.getText('note').length - Math.min(deleteCount, doc.getText('note').length) + insert.length >
        LIMITS.noteChars
      ) {
        throw new VaultError('limit_exceeded', `a note holds at most ${LIMITS.noteChars} characters`);
      }
      return edit(id, (target, now) => write.writeNoteEdit(target, index, deleteCount, insert, now));
    },

    addObservation(id: string, input: ObservationInputType): Observation {
      const parsed = parseInput(ObservationInput, input, 'observation');
      let observationId = '';
      const record = edit(id, (doc, now) => (observationId = addObservationTo(doc, parsed, now)));
      return observationOf(record, observationId);
    },

    updateObservation(id: string, observationId: string, patch: ObservationPatch): Observation {
      const parsed = parseInput(ObservationPatch, patch, 'observation patch');
      observationOf(get(id), observationId);
      const record = edit(id, (doc, now) =>
        write.writeObservationPatch(doc, write.findObservation(doc, observationId), parsed, now),
      );
      return observationOf(record, observationId);
    },

    removeObservation(id: string, observationId: string): void {
      observationOf(get(id), observationId);
      edit(id, (doc, now) => write.deleteObservation(doc, write.findObservation(doc, observationId), now));
    },

    /** The record root R_r (32 bytes) from the index, or undefined when the index holds none for `id`. */
    recordRoot(id: string): Uint8Array | undefined {
      alive();
      const shardId = state.shardIdOf(id);
      const shard = shardId === undefined ? undefined : state.shards.get(shardId);
      return shard === undefined ? undefined : readRoot(shard, id);
    },

    /** The index shard holding a record (its entry, root or tombstone), when that shard is loaded. */
    shardOf(id: string): string | undefined {
      alive();
      return state.shardIdOf(id);
    },

    /** True when `hex` is an index shard id of this vault (§7.1). */
    isShard: (hex: string): boolean => state.isShard(hex),

    /** True when the shard's document is loaded (not only its catalogue page). */
    isShardLoaded: (hex: string): boolean => state.isShardLoaded(hex),

    /**
     * Shows the shards that are not loaded from their catalogue pages (§18.7), at unlock: the overview then
     * needs no Yjs decoding. A shard loaded later replaces its page.
     */
    useCatalogue(pages: ReadonlyMap<string, ShardSummary>): void {
      alive();
      const ids = state.useCatalogue(pages);
      if (ids.length === 0) return;
      const change: RecordsChange = { ids, origin: 'remote', invalid: [] };
      for (const listener of changeListeners) listener(change);
    },

    /** A new attachment id, drawn before the file is encrypted (the blob's chunks are bound to it, §9). */
    newFileId(): string {
      return randomId(random);
    },

    /** The file key A_f of an attachment, or undefined when the record holds none for it. */
    attachmentKey(id: string, fileId: string): Uint8Array | undefined {
      const item = write.attachmentMap(liveDoc(id), fileId);
      const key = item?.get('key');
      return key instanceof Uint8Array && key.length === 32 ? key : undefined;
    },

    /**
     * Adds attachment metadata; `key` (the file key A_f) is stored in the document but never returned. Pass the
     * `fileId` the blob was encrypted for (from `newFileId`); otherwise a fresh one is drawn.
     */
    addAttachmentMeta(
      id: string,
      input: AttachmentInput,
      secret?: { key?: Uint8Array; fileId?: string },
    ): AttachmentMeta {
      const parsed = parseInput(AttachmentInput, input, 'attachment');
      if (get(id).attachments.length >= LIMITS.attachments) {
        throw new VaultError('limit_exceeded', `a record holds at most ${LIMITS.attachments} attachments`);
      }
      const fileId = secret?.fileId === undefined ? randomId(random) : parseInput(Id, secret.fileId, 'file id');
      if (get(id).attachments.some((item) => item.fileId === fileId)) {
        throw new VaultError('invalid_input', `attachment ${fileId} already exists`);
      }
      const record = edit(id, (doc, now) => write.writeNewAttachment(doc, fileId, parsed, secret?.key, now));
      const found = record.attachments.find((item) => item.fileId === fileId);
      if (found === undefined) throw new VaultError('invalid_doc', `attachment ${fileId} was not stored`);
      return found;
    },

    removeAttachmentMeta(id: string, fileId: string): void {
      if (!get(id).attachments.some((item) => item.fileId === fileId)) {
        throw new VaultError('item_not_found', `no attachment ${fileId} in ${id}`);
      }
      edit(id, (doc, now) => write.deleteAttachment(doc, fileId, now));
    },

    /** Listens to changes; returns the function that stops listening. */
    onChange(listener: (change: RecordsChange) => void): () => void {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },

    /** Raw Yjs updates of local edits (and index repairs), for the encrypted store to seal and persist. */
    onLocalUpdate: (listener: (target: DocTarget, update: Uint8Array) => void): (() => void) =>
      state.onLocalUpdate(listener),

    ...createUpdatesApi({ state, random, alive, liveDoc, finish }),

    /** Ids of the records whose content is loaded. */
    loadedIds(): string[] {
      alive();
      return [...state.records.keys()];
    },

    /** Drops every document and listener (on lock). Every later call throws `model_destroyed`. */
    destroy(): void {
      destroyed = true;
      state.destroy();
      changeListeners.clear();
    },
  };
}
