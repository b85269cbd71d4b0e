// The pure core of compaction (PROTOCOL.md §18.4): a record's opened rows folded into the content of one
// snapshot, or the reason they are left as they are. No IO: compact-record.ts reads, seals and writes around it.
import * as Y from 'yjs';
import type { AttributionRow } from '#crypto';
import { liveRows, type OpenedRow } from './envelope-reader.ts';

export type FoldResult =
  | {
      readonly ok: true;
      readonly yjsState: Uint8Array;
      /** Per author, the highest sequence folded in, sorted by author. */
      readonly coverage: [number, number][];
      readonly attribution: AttributionRow[];
    }
  | {
      readonly ok: false;
      /**
       * `nothing`: no update trails the snapshot. `pending`: an update's dependencies are not among the rows
       * (a later compaction folds them once they are stored). `over_cap`: the state is over the snapshot cap.
       * `unreadable`: a row opened but its content does not decode.
       */
      readonly reason: 'nothing' | 'pending' | 'over_cap' | 'unreadable';
    };

/** Who wrote which Yjs clocks: a snapshot's own rows, one row per client range of each update (§7.4). */
export function attributionOf(rows: readonly OpenedRow[]): AttributionRow[] {
  const out: AttributionRow[] = [];
  for (const r of rows) {
    if (r.type === 'snapshot') {
      out.push(...r.attribution);
      continue;
    }
    const meta = Y.parseUpdateMeta(r.yjs);
    for (const [client, from] of meta.from) {
      const to = meta.to.get(client) ?? from;
      if (to <= from) continue;
      out.push({
        client,
        author: r.author,
        seqLo: r.seq,
        seqN: 1,
        clockLo: from,
        clockN: to - from,
        tLo: r.time,
        tN: 0,
      });
    }
  }
  return out;
}

export function foldRows(opened: readonly OpenedRow[], maxStateBytes: number): FoldResult {
  const { snapshot, trailing } = liveRows(opened);
  if (trailing.length === 0) return { ok: false, reason: 'nothing' };
  const doc = new Y.Doc({ gc: true });
  try {
    let attribution: AttributionRow[];
    try {
      if (snapshot !== undefined) Y.applyUpdate(doc, snapshot.yjs);
      for (const u of trailing) Y.applyUpdate(doc, u.yjs);
      attribution = attributionOf([...(snapshot === undefined ? [] : [snapshot]), ...trailing]);
    } catch {
      // Every byte here came out of a verified envelope: what fails to decode is the row's content.
      return { ok: false, reason: 'unreadable' };
    }
    // An update whose dependencies are not among the rows stays pending in Yjs, and encodeStateAsUpdate leaves
    // pending structs out: folding now would delete it.
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return { ok: false, reason: 'pending' };
    const yjsState = Y.encodeStateAsUpdate(doc);
    if (yjsState.length > maxStateBytes) return { ok: false, reason: 'over_cap' };
    const coverage = new Map(snapshot?.coverage ?? []);
    for (const u of trailing) coverage.set(u.author, Math.max(coverage.get(u.author) ?? 0, u.seq));
    return { ok: true, yjsState, coverage: [...coverage].sort((a, b) => a[0] - b[0]), attribution };
  } finally {
    doc.destroy();
  }
}
