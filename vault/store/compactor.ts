// When compaction runs (PROTOCOL.md §13.3): after each commit for the records it wrote, and once the tab has had
// no edit for the policy's idle time. Compaction is an optimisation: in the background a storage fault leaves
// the rows as they are for the next attempt, a damaged row is reported where it is found, and anything else is
// a bug handed to `fault` (never shown as a damaged row).
import { compactRecord, type CompactContext } from './compact-record.ts';
import { needsCompaction, type CompactionPolicy } from './compaction-policy.ts';
import { storageFault } from './store-fault.ts';
import { isClosed } from './store-state.ts';

export interface CompactorDeps {
  readonly ctx: CompactContext;
  readonly policy: CompactionPolicy;
  /** Whether edits wait to be committed: idle compaction gives way to them. */
  readonly hasPendingEdits: () => boolean;
  /** A background attempt failed with a bug. */
  readonly fault: (error: unknown) => void;
  /** A record was folded into a new snapshot (its rows changed). */
  readonly compacted?: (hex: string) => void;
}

export interface Compactor {
  /** Folds a record now, whatever the policy says. Rejects with what failed (storage faults included). */
  compact(hex: string): Promise<boolean>;
  /** After a commit: folds the records written that the policy says are due. Never rejects. */
  afterCommit(recordIds: readonly string[]): Promise<void>;
  /** (Re)starts the idle timer. */
  scheduleIdle(): void;
  close(): void;
}

export function createCompactor({ ctx, policy, hasPendingEdits, fault, compacted }: CompactorDeps): Compactor {
  const { state } = ctx;
  // Records whose state is over the snapshot cap: not compacted again until the next unlock (each attempt would
  // apply every row and fail after every edit). Their rows stay as updates, all of them read when opened.
  const overCap = new Set<string>();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  async function compact(hex: string): Promise<boolean> {
    const result = await compactRecord(ctx, hex, policy.maxStateBytes);
    if (!result.done && result.reason === 'over_cap') overCap.add(hex);
    if (result.done) compacted?.(hex);
    return result.done;
  }

  const due = (hex: string, idle: boolean): boolean =>
    !overCap.has(hex) && needsCompaction(state.trailing.get(hex), policy, idle);

  async function compactInBackground(hex: string): Promise<void> {
    try {
      await compact(hex);
    } catch (error) {
      if (isClosed(state) || storageFault(error) !== undefined) return;
      fault(error);
    }
  }

  async function afterCommit(recordIds: readonly string[]): Promise<void> {
    for (const hex of recordIds) if (due(hex, false)) await compactInBackground(hex);
  }

  function scheduleIdle(): void {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    if (isClosed(state)) return;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      void (async () => {
        for (const hex of [...state.trailing.keys()]) {
          if (isClosed(state) || hasPendingEdits()) return;
          if (due(hex, true)) await compactInBackground(hex);
        }
      })();
    }, policy.idleMs);
  }

  return {
    compact,
    afterCommit,
    scheduleIdle,
    close() {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
    },
  };
}
