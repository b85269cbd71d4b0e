// docs/PROTOCOL.md §18.4: the encrypted store behind the records model, assembled from one module per concern:
//   save-queue + commit-edits   local edits sealed and committed before they count as saved
//   record-loader               the index, then records, from their newest snapshot plus trailing updates
//   tab-catch-up                rows other tabs committed, applied to the records this tab has loaded
//   compactor + compact-record  trailing updates folded into a snapshot, in the transaction that reads them
//   purge-record                a deleted record's rows erased (§17.2)
// They share one StoreState and take their IO (Dexie, keys, the records model) from one StoreContext. Every
// operation rejects with a storage fault as a VaultError (`storage_failed`, `quota_exceeded`); a bug goes up as
// it is; a damaged row is reported through `report`, never thrown.
import type { DocTarget, RecordsModel } from '../records/create-records-model.ts';
import { randomClientId, type Clock, type Random } from '../records/ports.ts';
import type { VaultKeys } from '../session/vault-keys.ts';
import type { SaveState, StoreProblem } from '../vault-api.ts';
import { commitEdits } from './commit-edits.ts';
import { DEFAULT_COMPACTION, type CompactionPolicy } from './compaction-policy.ts';
import { createCatalogueJob } from './catalogue-job.ts';
import { createCompactor } from './compactor.ts';
import { migrateV1Index } from './index-migration.ts';
import { purgesToResume } from './pending-purges.ts';
import { purgeRecord } from './purge-record.ts';
import { createRecordLoader } from './record-loader.ts';
import type { RowSealer } from './row-sealer.ts';
import { createSaveQueue } from './save-queue.ts';
import { createStoreContext } from './store-context.ts';
import { storeError } from './store-fault.ts';
import { createStoreState, isClosed, trailingOf } from './store-state.ts';
import { createVaultSearch } from './vault-search.ts';
import { applyRowsOfOtherTabs } from './tab-catch-up.ts';
import type { VaultDb } from './vault-db.ts';

export interface RecordStoreOptions {
  db: VaultDb;
  keys: VaultKeys;
  records: RecordsModel;
  rows: RowSealer;
  clock: Clock;
  /** A stored row that failed its integrity check or does not decode. */
  report(problem: StoreProblem): void;
  /** A background step (compaction) failed with a bug. Storage faults there are left for the next attempt. */
  fault: (error: unknown) => void;
  /** After each commit of this tab's edits: the records written (the tab link tells other tabs). */
  onCommitted?(recordIds: readonly string[]): void;
  compaction?: Partial<CompactionPolicy>;
  /** Keys per index shard written by the v1 migration (§18.8): the records model's capacity. */
  shardCapacity: number;
  /** The search index became ready or records went stale (the load state follows it). */
  onSearchState?: () => void;
  /** Quiet time before a catalogue page is rewritten (default 2 s, §18.7). */
  catalogueDelayMs?: number;
  /** Yjs client ids of the documents the migration writes. */
  random: Random;
}

export type RecordStore = ReturnType<typeof createRecordStore>;

/** Runs a store operation so that it rejects with a storage fault as its VaultError. */
async function classified<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeError(error);
  }
}

export function createRecordStore(options: RecordStoreOptions) {
  const state = createStoreState();
  const ctx = createStoreContext({ ...options, state });
  const loader = createRecordLoader(ctx);
  const catalogue = createCatalogueJob({
    ctx,
    fault: options.fault,
    ...(options.catalogueDelayMs === undefined ? {} : { delayMs: options.catalogueDelayMs }),
  });
  const markShards = (ids: Iterable<string>): void => {
    catalogue.mark([...ids].filter((hex) => options.records.isShard(hex)));
  };
  const compactor = createCompactor({
    ctx,
    compacted: (hex) => markShards([hex]),
    policy: { ...DEFAULT_COMPACTION, ...options.compaction },
    hasPendingEdits: () => saves.pending() > 0,
    fault: options.fault,
  });
  const saves = createSaveQueue({
    state,
    clock: options.clock,
    async commit(batch) {
      for (const { hex, id, size } of await commitEdits(ctx, batch)) {
        state.ownIds.add(id);
        const t = trailingOf(state, hex);
        t.count += 1;
        t.bytes += size;
      }
    },
    async afterCommit(recordIds) {
      markShards(recordIds);
      search.schedule();
      options.onCommitted?.(recordIds);
      await compactor.afterCommit(recordIds);
    },
    onDrained: () => {
      compactor.scheduleIdle();
    },
  });
  const flush = (): Promise<void> => classified(() => saves.flush());
  const loadShardOf = async (id: string): Promise<void> => {
    const shard = options.records.shardOf(id);
    if (shard !== undefined && !options.records.isShardLoaded(shard)) await loader.loadShard(shard);
  };
  const search = createVaultSearch({
    ctx,
    records: options.records,
    loadShardOf,
    fault: options.fault,
    changed: () => options.onSearchState?.(),
  });

  return {
    enqueue(target: DocTarget, update: Uint8Array): void {
      const hex = target.kind === 'index' ? ctx.indexHex : target.id;
      // A record edited (or created) here is in memory: other tabs' rows for it must reach it (tab catch-up).
      state.loaded.add(hex);
      saves.enqueue({ target: hex, update });
    },
    flush,
    /** Records whose purge was cut short (or never ran): finish them with `purge` (§17.2). */
    purgesToResume: (): Promise<string[]> =>
      classified(() => purgesToResume(ctx, (hex) => options.records.removed(hex) !== undefined)),
    purge: (hex: string): Promise<void> =>
      classified(async () => {
        await purgeRecord({ ctx, flush, compact: (id) => compactor.compact(id) }, hex);
        if (!isClosed(state)) await search.forget(hex);
      }),
    /** Opens the persisted search index and brings it up to date (a rebuild when missing or damaged). */
    prepareSearch: (): Promise<void> => classified(() => search.prepare()),
    /** Records not loaded in this tab are searched here (§18.7). */
    searchSource: {
      query: (text: string, answeredHere: (id: string) => boolean) => search.store.query(text, answeredHere),
    },
    /** Whether search covers every record: nothing left to reindex but records loaded here (answered from
     * memory, §18.7). */
    searchReady: (): boolean => {
      if (search.store.ready()) return true;
      const stale = search.store.stale();
      if (stale.size === 0) return false;
      const loaded = new Set(options.records.loadedIds());
      for (const id of stale) if (!loaded.has(id)) return false;
      return true;
    },
    /** Rewrites a v1 index into shards, once (§18.8); run before `loadIndex`. Returns the shards written. */
    migrate: (): Promise<number> =>
      classified(() => migrateV1Index(ctx, options.shardCapacity, () => randomClientId(options.random))),
    /** The root and the overview (§18.4); the pages found stale are rewritten in the background. */
    loadIndex: (): Promise<void> =>
      classified(async () => {
        catalogue.mark(await loader.loadIndex());
      }),
    /** Writes every catalogue page waiting to be written now (tests, and before the bench measures). */
    writeCatalogue: (): Promise<void> => catalogue.run(),
    loadRecord: (hex: string): Promise<void> => classified(() => loader.loadRecord(hex)),
    /** Applies rows other tabs committed since this tab last looked (BroadcastChannel `changed`). */
    applyNewer: (): Promise<void> =>
      classified(async () => {
        markShards(await applyRowsOfOtherTabs(ctx, (hex) => loader.loadShard(hex)));
        // Records other tabs changed are stale at once (answered from nothing, not from their old terms) until
        // the job reindexes them (§18.7).
        await search.refresh();
        search.schedule();
      }),
    compact: (hex: string): Promise<boolean> => classified(() => compactor.compact(hex)),
    isLoaded: (hex: string): boolean => state.loaded.has(hex),
    trailing: (hex: string): number => state.trailing.get(hex)?.count ?? 0,
    saveState: (): SaveState => saves.saveState(),
    onSaveState: (listener: (s: SaveState) => void): (() => void) => saves.onSaveState(listener),
    /** Stops writing and timers (on lock). Edits not yet committed are not shown as saved. */
    close(): void {
      state.closed = true;
      compactor.close();
      catalogue.close();
      search.close();
      saves.close();
    },
  };
}
