// PROTOCOL.md §13.3: when a record's trailing updates are folded into a snapshot. Pure: the compactor asks it
// after each commit and when the tab has been idle.
import { LIMITS as CRYPTO_LIMITS } from '#crypto';
import type { Trailing } from './store-state.ts';

export interface CompactionPolicy {
  /** Snapshot when a record has at least this many trailing updates. */
  readonly maxTrailing: number;
  /** ... or trailing bytes at least max(this, snapshot size). */
  readonly minTrailingBytes: number;
  /** ... or after this long without an edit, when it has at least `idleMinTrailing`. */
  readonly idleMs: number;
  readonly idleMinTrailing: number;
  /** A snapshot's Yjs state may not exceed this (§7.6): a record whose state is larger stays as updates. */
  readonly maxStateBytes: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = {
  maxTrailing: 32,
  minTrailingBytes: 2048,
  idleMs: 30_000,
  idleMinTrailing: 4,
  maxStateBytes: CRYPTO_LIMITS.yjs,
};

/** Whether a record with these trailing rows is due (`idle`: the tab has had no edit for `idleMs`). */
export function needsCompaction(t: Trailing | undefined, policy: CompactionPolicy, idle: boolean): boolean {
  if (t === undefined) return false;
  // A large snapshot (the index of a big vault) is costly to rewrite: let more updates trail behind it, in
  // proportion to its size (one trailing update per 2 KiB of snapshot), so rewriting it stays a small share.
  if (t.count >= Math.max(policy.maxTrailing, Math.floor(t.snapshotBytes / 2048))) return true;
  if (t.count >= 2 && t.bytes >= Math.max(policy.minTrailingBytes, t.snapshotBytes)) return true;
  return idle && t.count >= policy.idleMinTrailing;
}
