// What the record store's modules share about this tab's view of the stored rows: one plain object, created
// when the vault opens and passed to each module, so every read or move of a field shows at its call site.
// State a single module needs (the save queue, the loads in flight, the records over the snapshot cap) stays
// inside that module.

/** A record's rows since its newest snapshot, as this tab knows them: compaction's trigger (§13.3). */
export interface Trailing {
  count: number;
  bytes: number;
  snapshotBytes: number;
}

export interface StoreState {
  /** Set on lock: every module stops before its next step and reports nothing more. Read it with `isClosed`. */
  closed: boolean;
  /** Records whose rows this tab has read or is reading, or that it created or edited: only these take rows
   * other tabs commit. */
  readonly loaded: Set<string>;
  readonly trailing: Map<string, Trailing>;
  /** Envelope rows this tab wrote (updates and snapshots): tab catch-up skips them, their content is here. */
  readonly ownIds: Set<number>;
  /**
   * The highest envelope id tab catch-up has looked at (PROTOCOL.md §18.5). Only catch-up and the index load
   * move it: a record loaded later reads all its rows itself, and moving the cursor past another loaded
   * record's unseen rows would lose them.
   */
  cursor: number;
}

export function createStoreState(): StoreState {
  return { closed: false, loaded: new Set(), trailing: new Map(), ownIds: new Set(), cursor: 0 };
}

/** A function, not a property read: TypeScript would keep `state.closed` narrowed to false across awaits. */
export const isClosed = (state: StoreState): boolean => state.closed;

export function trailingOf(state: StoreState, hex: string): Trailing {
  let t = state.trailing.get(hex);
  if (t === undefined) {
    t = { count: 0, bytes: 0, snapshotBytes: 0 };
    state.trailing.set(hex, t);
  }
  return t;
}
