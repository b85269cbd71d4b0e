// PROTOCOL.md §18.7: the persisted search index wired to this vault. Records not loaded in this tab are answered
// by it; the background job keeps it current: at unlock (rebuilding it if missing or damaged), 1 s after this
// tab's commits, after another tab's rows were read, and after a purge. One tab at a time runs the job (Web
// Lock `carnet:<vault>:derived`); the others find nothing to do.
import { hash } from '#crypto';
import { createSearchStore, type SearchStore } from '../derived/search-store.ts';
import type { RecordsModel } from '../records/create-records-model.ts';
import { readRecordTexts } from './record-texts.ts';
import type { StoreContext } from './store-context.ts';
import { storageFault } from './store-fault.ts';
import { isClosed } from './store-state.ts';

export type VaultSearchContext = Pick<
  StoreContext,
  'db' | 'derived' | 'report' | 'envelopeContext' | 'indexHex' | 'state' | 'keys'
>;

export interface VaultSearch {
  readonly store: SearchStore;
  /** Opens the index and runs the job until nothing is stale (or the vault locks). */
  prepare(): Promise<void>;
  /** Reindexes what changed, after a short quiet time. */
  schedule(): void;
  /** Re-reads what changed since the index was read (rows above W): those records are stale now. */
  refresh(): Promise<void>;
  /** Erases a purged record's terms (§18.7, Purge). */
  forget(id: string): Promise<void>;
  close(): void;
}

export const SEARCH_DELAY_MS = 1000;

/** The Web Lock of the derived rows, where the browser has Web Locks (not in Node tests: one tab there). */
function derivedLock(vaultIdHex: string): <T>(run: () => Promise<T>) => Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks === undefined) return (run) => run();
  return (run) => locks.request(`carnet:${vaultIdHex}:derived`, run);
}

export function createVaultSearch(deps: {
  ctx: VaultSearchContext;
  records: RecordsModel;
  loadShardOf: (id: string) => Promise<void>;
  fault: (error: unknown) => void;
  /** After the index was read or the job ran: readiness may have changed. */
  changed: () => void;
}): VaultSearch {
  const { ctx, records } = deps;
  const store = createSearchStore({
    db: ctx.db,
    seal: (key, raw) => ctx.derived.seal('search', key, raw),
    open: (key, row) => ctx.derived.open('search', key, row),
    hash: (bytes) => hash(bytes),
    report: () => {
      ctx.report({ code: 'tampered_row', table: 'search' });
    },
    liveIds: () => records.liveIds(),
    isDeleted: (id) => records.removed(id) !== undefined,
    isFamily: (hex) => hex === ctx.indexHex || records.isShard(hex),
    readTexts: (ids) => readRecordTexts(ctx, deps.loadShardOf, ids),
    withLock: derivedLock(ctx.keys.vaultIdHex),
    isClosed: () => isClosed(ctx.state),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();

  /** One job at a time in this tab; each waits for the one before. */
  const serial = (step: () => Promise<void>): Promise<void> => (running = running.then(step, step));

  function scheduleRun(): void {
    if (isClosed(ctx.state)) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      serial(catchUpAndRun).catch((error: unknown) => {
        // A storage fault leaves records stale (search says it may miss them): the next trigger tries again.
        if (!isClosed(ctx.state) && storageFault(error) === undefined) deps.fault(error);
      });
    }, SEARCH_DELAY_MS);
  }

  async function catchUpAndRun(): Promise<void> {
    if (isClosed(ctx.state)) return;
    await store.refresh();
    await store.run();
    deps.changed();
  }

  return {
    store,
    prepare: () =>
      serial(async () => {
        await store.open();
        // Current already (the usual unlock): search is complete now; merges wait for the next quiet moment.
        if (store.ready()) scheduleRun();
        else await store.run();
      }),
    schedule: scheduleRun,
    refresh: () =>
      serial(async () => {
        if (isClosed(ctx.state)) return;
        await store.refresh();
        deps.changed();
      }),
    forget: (id) =>
      serial(async () => {
        await store.forget(id);
        await store.run();
      }),
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
