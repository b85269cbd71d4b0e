// The queue between the records model and the commit (PROTOCOL.md §18.4): local edits wait here, one commit runs
// at a time, and everything queued while it runs goes into the next one. It owns the save state the UI shows:
// an edit counts as saved only once its commit is durable; a failed commit keeps the edits queued (and in
// memory) for the next edit or flush to retry.
import type { Clock } from '../records/ports.ts';
import { isVaultError } from '../records/vault-error.ts';
import type { SaveState } from '../vault-api.ts';
import type { PendingEdit } from './commit-edits.ts';
import { storeError } from './store-fault.ts';
import { isClosed, type StoreState } from './store-state.ts';

export interface SaveQueueDeps {
  readonly state: StoreState;
  readonly clock: Clock;
  /** Commits a batch in one transaction; rejects with nothing written. */
  readonly commit: (batch: readonly PendingEdit[]) => Promise<void>;
  /** After each durable commit, with the ids of the records (and index) it held. */
  readonly afterCommit: (recordIds: readonly string[]) => Promise<void>;
  /** Once the queue is empty. */
  readonly onDrained: () => void;
}

export interface SaveQueue {
  enqueue(edit: PendingEdit): void;
  /** Resolves once every edit queued so far is committed; rejects with the commit's failure. */
  flush(): Promise<void>;
  pending(): number;
  saveState(): SaveState;
  onSaveState(listener: (state: SaveState) => void): () => void;
  /** Drops what is queued (on lock): edits not yet committed are not shown as saved. */
  close(): void;
}

export function createSaveQueue({ state, clock, commit, afterCommit, onDrained }: SaveQueueDeps): SaveQueue {
  const queue: PendingEdit[] = [];
  const listeners = new Set<(s: SaveState) => void>();
  let save: SaveState = { pending: 0, lastSavedAt: null, error: null };
  let running: Promise<void> | undefined;

  function setSave(next: SaveState): void {
    save = next;
    for (const listener of listeners) listener(save);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !isClosed(state)) {
      const batch = queue.splice(0, queue.length);
      try {
        await commit(batch);
      } catch (error) {
        if (isClosed(state)) return;
        queue.unshift(...batch);
        const failure = storeError(error);
        const code = isVaultError(failure, 'quota_exceeded') ? 'quota_exceeded' : 'write_failed';
        setSave({ pending: queue.length, lastSavedAt: save.lastSavedAt, error: code });
        throw failure;
      }
      setSave({ pending: queue.length, lastSavedAt: clock.now(), error: null });
      await afterCommit([...new Set(batch.map((edit) => edit.target))]);
    }
    onDrained();
  }

  function kick(): Promise<void> {
    running ??= drain().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    enqueue(edit) {
      if (isClosed(state)) return;
      queue.push(edit);
      setSave({ ...save, pending: queue.length });
      // A failure is in the save state, and the next edit or flush retries.
      kick().catch(() => undefined);
    },
    async flush() {
      while (running !== undefined || queue.length > 0) {
        if (isClosed(state)) return;
        await kick();
      }
    },
    pending: () => queue.length,
    saveState: () => save,
    onSaveState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      queue.length = 0;
      listeners.clear();
    },
  };
}
