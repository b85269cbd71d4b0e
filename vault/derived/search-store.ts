import { deltaKey } from './search-format.ts';
import { merge, mergeDue, raiseWatermark, rebuild, reindex } from './search-job.ts';
import { dueRecords, loadSearch, type LoadedSearch } from './search-load.ts';
import type { SearchStoreDeps } from './search-store-deps.ts';
import { queryTokens } from './search-terms.ts';

export type { SearchStoreDeps };

/**
 * The persisted search index of one unlocked vault (PROTOCOL.md §18.7): read once at unlock, answering for the
 * records neither loaded nor stale, and kept current by its background job.
 *
 * @example
 * const store = createSearchStore(deps);
 * await store.open();
 * const hits = store.query('echo', (id) => loaded.has(id)); // ∪ the loaded records' own answers
 * void store.run(); // reindexes store.stale(), merges, rebuilds; store.ready() once nothing is stale
 */
export interface SearchStore {
  /** Reads header, table, pages and deltas once, verifies them, computes the stale set. Missing or damaged:
   * every live record is stale until `run` rebuilds (tampered rows are reported). */
  open(): Promise<void>;
  /** Ids of live, non-stale records matching every token of `text`, leaving out those `answeredElsewhere`
   * accepts; undefined when the query has no token. */
  query(text: string, answeredElsewhere: (id: string) => boolean): Set<string> | undefined;
  /** Live records the persisted index cannot answer for now. */
  stale(): ReadonlySet<string>;
  /** Opened, not damaged, and no stale record left. */
  ready(): boolean;
  /** The job, under the derived lock: reindex, raise W, merge when due, rebuild when missing or damaged. */
  run(): Promise<void>;
  /** After a commit or a catch-up: re-reads header, deltas and the rows above W, recomputes the stale set. */
  refresh(): Promise<void>;
  /** Purge of a record the caller already reports deleted: deletes its delta; the next run merges a generation
   * without it if the table holds it. */
  forget(id: string): Promise<void>;
}

/** Rounds of reindex/merge/rebuild in one run: each round's writes can leave work only for edits made meanwhile. */
const MAX_ROUNDS = 4;

export function createSearchStore(deps: SearchStoreDeps): SearchStore {
  let loaded: LoadedSearch | undefined;
  let stale = new Set<string>();
  // Purged ids the table may still hold: merged out at the next run even before their tombstone is seen.
  const forgotten = new Set<string>();

  async function load(): Promise<void> {
    loaded = await loadSearch(deps, loaded);
    if (loaded.kind === 'ok') {
      const due = dueRecords(deps, loaded);
      stale = new Set([...deps.liveIds()].filter((id) => due.has(id)));
    } else {
      stale = new Set([...deps.liveIds()].filter((id) => !deps.isFamily(id)));
    }
  }

  /** One round; true when it wrote something (another round may find more). */
  async function round(): Promise<boolean> {
    await load();
    const current = loaded;
    if (current === undefined || deps.isClosed()) return false;
    if (current.kind !== 'ok') {
      const gen = current.kind === 'damaged' && current.gen !== undefined ? current.gen + 1 : 1;
      return rebuild(deps, gen);
    }
    const due = [...dueRecords(deps, current)];
    const { written, refused } = await reindex(deps, due);
    if (deps.isClosed()) return false;
    if (written > 0) await load();
    const after = loaded;
    if (after?.kind !== 'ok') return written > 0;
    const raised = await raiseWatermark(deps, after);
    if (raised) await load();
    const last = loaded;
    const again = written > 0 || refused > 0 || raised;
    if (last?.kind !== 'ok' || deps.isClosed() || !mergeDue(deps, last, forgotten)) return again;
    const absorbed = [...forgotten];
    if (await merge(deps, last, forgotten)) for (const id of absorbed) forgotten.delete(id);
    return true;
  }

  return {
    open: load,
    query(text, answeredElsewhere) {
      if (queryTokens(text).length === 0) return undefined;
      if (loaded?.kind !== 'ok') return new Set();
      const live = new Set(deps.liveIds());
      return loaded.search.query(
        text,
        (id) => live.has(id) && !stale.has(id) && !deps.isDeleted(id) && !answeredElsewhere(id),
      );
    },
    stale: () => stale,
    ready: () => loaded?.kind === 'ok' && stale.size === 0,
    run() {
      return deps.withLock(async () => {
        try {
          for (let i = 0; i < MAX_ROUNDS && !deps.isClosed(); i++) if (!(await round())) break;
        } finally {
          if (!deps.isClosed()) await load();
        }
      });
    },
    refresh: load,
    async forget(id) {
      forgotten.add(id);
      await deps.db.search.delete(deltaKey(id));
      await load();
    },
  };
}
