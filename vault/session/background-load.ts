// After unlock the overview shows from the index alone; every record's content is then read in the background,
// so that search covers notes and lab values, and other tabs' rows are read when they say they saved some. When
// either read fails (the browser could not read IndexedDB), the patient is told, since search or the page is
// then incomplete, and can try again: nothing here is swallowed.
import { isVaultError, VaultError } from '../records/vault-error.ts';
import type { LoadState } from '../vault-api.ts';

export interface BackgroundLoadSteps {
  /** Reads every record not loaded yet (a record that failed stays unloaded, so a retry reads it again). */
  loadAll(): Promise<void>;
  /** Prepares up to `count` records for search; returns how many remain. */
  prepareSearch(count: number): number;
  /** Reads the rows other tabs committed since the last successful catch-up. */
  applyNewer(): Promise<void>;
  isLocked(): boolean;
  /** Whether search covers every record now (records other tabs changed wait for the job: `loading`). */
  searchReady(): boolean;
}

export interface BackgroundLoad {
  /** The first full load: resolves when it is done, rejects with `load_failed`. */
  readonly fullyLoaded: Promise<void>;
  state(): LoadState;
  onState(listener: (state: LoadState) => void): () => void;
  /** Another tab saved rows: read them (a failure is `catch_up_failed` until a later catch-up succeeds). */
  catchUp(): Promise<void>;
  /** Reads again whatever failed; resolves when that is done, whatever the outcome (the state says). */
  retry(): Promise<void>;
  /** Tells listeners the state again if it changed (search became ready, or records went stale). */
  republish(): void;
}

/** The browser's error behind a store failure (the store wraps it as `storage_failed`), for the `cause`. */
const browserCause = (error: unknown): unknown =>
  isVaultError(error, 'storage_failed') && error.cause !== undefined ? error.cause : error;

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Starts the background load at once (after one turn of the event loop, so the overview can show first).
 *
 * @example
 * const load = createBackgroundLoad({ loadAll, prepareSearch, applyNewer, isLocked });
 * load.onState((state) => { if (state.phase === 'incomplete') console.log(state.error.code); });
 * await load.retry();
 */
export function createBackgroundLoad(steps: BackgroundLoadSteps): BackgroundLoad {
  const listeners = new Set<(state: LoadState) => void>();
  let running = true;
  let loadError: VaultError | undefined;
  let catchUpError: VaultError | undefined;
  let current: LoadState = { phase: 'loading' };

  function publish(): void {
    if (steps.isLocked()) return;
    const error = loadError ?? catchUpError;
    current =
      error !== undefined
        ? { phase: 'incomplete', error }
        : running || !steps.searchReady()
          ? { phase: 'loading' }
          : { phase: 'complete' };
    for (const listener of listeners) listener(current);
  }

  async function loadEverything(): Promise<void> {
    await tick();
    await steps.loadAll();
    // Tokenise for search in slices, yielding between them, so the first query does not pay for 10,000 records.
    while (!steps.isLocked() && steps.prepareSearch(500) > 0) await tick();
  }

  function load(): Promise<void> {
    running = true;
    loadError = undefined;
    publish();
    return loadEverything().then(
      () => {
        running = false;
        publish();
      },
      (cause: unknown) => {
        running = false;
        loadError = new VaultError('load_failed', 'the records could not all be read', { cause: browserCause(cause) });
        publish();
        throw loadError;
      },
    );
  }

  function catchUp(): Promise<void> {
    return steps.applyNewer().then(
      () => {
        // The failed rows were read again too (the catch-up cursor moves only on success).
        if (catchUpError === undefined) return;
        catchUpError = undefined;
        publish();
      },
      (cause: unknown) => {
        catchUpError = new VaultError('catch_up_failed', "another tab's rows could not be read", {
          cause: browserCause(cause),
        });
        publish();
      },
    );
  }

  const fullyLoaded = load();
  // Its failure is not lost: the state says `incomplete` with this error, and the UI shows it.
  fullyLoaded.catch(() => undefined);

  return {
    fullyLoaded,
    state: () => current,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    catchUp,
    republish() {
      const before = current.phase;
      const wasError = before === 'incomplete';
      if (wasError) return;
      const ready = !running && steps.searchReady();
      if ((before === 'complete') !== ready) publish();
    },
    async retry() {
      if (steps.isLocked()) return;
      const attempts: Promise<void>[] = [];
      if (loadError !== undefined) attempts.push(load());
      if (catchUpError !== undefined) attempts.push(catchUp());
      await Promise.allSettled(attempts);
    },
  };
}
