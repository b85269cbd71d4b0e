// docs/PROTOCOL.md §18.7: catalogue pages are rewritten in the background, 2 s after the last change to their
// shard (a commit, a compaction, rows from another tab), and at unlock for the pages found stale. A page the
// shard's rows outran is not written; the change that moved them marks the shard again.
import { writeCataloguePage, type CatalogueContext } from './catalogue-store.ts';
import { storageFault } from './store-fault.ts';
import { isClosed, type StoreState } from './store-state.ts';

export interface CatalogueJob {
  /** Shards whose page should be rewritten after the quiet delay. */
  mark(shards: Iterable<string>): void;
  /** Rewrites every marked page now; resolves when done. Never rejects: a bug goes to `fault`. */
  run(): Promise<void>;
  close(): void;
}

export const CATALOGUE_DELAY_MS = 2000;

export function createCatalogueJob(deps: {
  ctx: CatalogueContext & { readonly state: StoreState };
  fault: (error: unknown) => void;
  delayMs?: number;
}): CatalogueJob {
  const { ctx } = deps;
  const marked = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();

  async function writeMarked(): Promise<void> {
    for (const hex of [...marked]) {
      if (isClosed(ctx.state)) return;
      marked.delete(hex);
      try {
        await writeCataloguePage(ctx, hex);
      } catch (error) {
        if (isClosed(ctx.state)) return;
        // A storage fault leaves the page stale: the next unlock rebuilds it.
        if (storageFault(error) === undefined) deps.fault(error);
      }
    }
  }

  function run(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    running = running.then(writeMarked);
    return running;
  }

  return {
    mark(shards) {
      for (const hex of shards) marked.add(hex);
      if (marked.size === 0 || isClosed(ctx.state)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void run(), deps.delayMs ?? CATALOGUE_DELAY_MS);
    },
    run,
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      marked.clear();
    },
  };
}
