import * as Y from 'yjs';
import type { ModelState } from './model-state.ts';
import { parseInput } from './parse-input.ts';
import { randomClientId, type Random } from './ports.ts';
import { Id } from './record-schema.ts';
import { VaultError } from './vault-error.ts';

interface UpdatesContext {
  state: ModelState;
  random: Random;
  alive: () => void;
  liveDoc: (id: string) => Y.Doc;
  finish: (origin: 'local' | 'remote') => void;
}

/**
 * The raw-update side of the records facade, for the encrypted store and the sync engine: whole states,
 * deltas against a state vector, and applying stored or received updates. Bytes that are not a Yjs update are
 * refused with `invalid_update`; what they contain is validated when the record is read.
 */
export function createUpdatesApi({ state, random, alive, liveDoc, finish }: UpdatesContext) {
  // No decoding pass before applying: it doubled the time to open a large index (every string decoded twice).
  // What that pass prevented: Yjs integrates an update's structs before it reads the delete set, so bytes cut
  // short or corrupted can parse as structs, fail in the delete set and leave those structs applied. Such
  // structs are ones the signing member could have sent in a well-formed update anyway: the envelope (signature,
  // AEAD) decides who may write, and a record left malformed is reported as invalid_doc when read.
  function apply(doc: Y.Doc, bytes: Uint8Array, what: string): void {
    try {
      state.applyRemote(doc, bytes);
    } catch (error) {
      throw new VaultError('invalid_update', `${what}: not a Yjs update`, { cause: error });
    }
  }
  return {
    /** The record's state as one update, or only what `stateVector` lacks. */
    exportUpdate(id: string, stateVector?: Uint8Array): Uint8Array {
      return Y.encodeStateAsUpdate(liveDoc(id), stateVector);
    },
    /** The record's whole current state (a compaction input; see the store for what it must cover). */
    encodeSnapshot(id: string): Uint8Array {
      return Y.encodeStateAsUpdate(liveDoc(id));
    },
    stateVector(id: string): Uint8Array {
      return Y.encodeStateVector(liveDoc(id));
    },
    /**
     * Merges an update (stored or received) into a record, loading the record if it is new here. Updates for a
     * deleted record are ignored. Throws `invalid_update` for bytes that are not a Yjs update; a well-formed
     * update that leaves the record malformed is reported in `onChange(...).invalid`.
     */
    applyUpdate(id: string, bytes: Uint8Array): void {
      alive();
      parseInput(Id, id, 'record id');
      if (state.tombstones.has(id)) return;
      const known = state.records.get(id);
      const doc = known ?? state.newRecord(id, randomClientId(random));
      try {
        apply(doc, bytes, `record ${id}`);
      } catch (error) {
        if (known === undefined) state.dropRecord(id);
        throw error;
      }
      state.markRecord(id);
      finish('remote');
    },
    /** Whole state or delta of the index document. */
    exportIndexUpdate(stateVector?: Uint8Array): Uint8Array {
      alive();
      return Y.encodeStateAsUpdate(state.index, stateVector);
    },
    encodeIndexSnapshot(): Uint8Array {
      alive();
      return Y.encodeStateAsUpdate(state.index);
    },
    indexStateVector(): Uint8Array {
      alive();
      return Y.encodeStateVector(state.index);
    },
    applyIndexUpdate(bytes: Uint8Array): void {
      alive();
      apply(state.index, bytes, 'index');
      finish('remote');
    },
    /** Merges an update into index shard `hex` (§7.7), loading the shard if it is new here. */
    applyShardUpdate(hex: string, bytes: Uint8Array): void {
      alive();
      apply(state.shard(hex), bytes, `index shard ${hex}`);
      finish('remote');
    },
    /** Whole state or delta of a loaded index shard. */
    exportShardUpdate(hex: string, stateVector?: Uint8Array): Uint8Array {
      alive();
      const doc = state.shards.get(hex);
      if (doc === undefined) throw new VaultError('record_not_found', `index shard ${hex} is not loaded`);
      return Y.encodeStateAsUpdate(doc, stateVector);
    },
    /** Ids of the index shards loaded in this model. */
    shardIds(): string[] {
      alive();
      return [...state.shards.keys()];
    },
  };
}
