import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { OpenedRow } from '#vault/store/envelope-reader';
import { foldRows } from '#vault/store/fold-rows';

function row(id: number, author: number, seq: number, yjs: Uint8Array): OpenedRow {
  return {
    id,
    type: 'update',
    author,
    seq,
    coverage: new Map(),
    yjs,
    time: 100 + id,
    attribution: [],
    size: yjs.length,
  };
}

/** Three successive updates of one document by one client: each depends on the one before. */
function chain(): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = 42;
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (const word of ['un ', 'deux ', 'trois']) doc.getText('note').insert(doc.getText('note').length, word);
  doc.destroy();
  return out;
}

describe(foldRows.name, () => {
  it('folds updates into one state, with coverage per author and attribution per client range', () => {
    const [a, b, c] = chain();
    if (a === undefined || b === undefined || c === undefined) throw new Error('no updates');
    const folded = foldRows([row(1, 2, 1, a), row(2, 2, 2, b), row(3, 3, 7, c)], 1 << 20);
    if (!folded.ok) throw new Error(`not folded: ${folded.reason}`);
    expect(folded.coverage).toEqual([
      [2, 2],
      [3, 7],
    ]);
    expect(folded.attribution.map((r) => [r.author, r.seqLo, r.clockLo])).toEqual([
      [2, 1, 0],
      [2, 2, 3],
      [3, 7, 8],
    ]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, folded.yjsState);
    expect(doc.getText('note').toJSON()).toBe('un deux trois');
  });

  it('leaves the rows when there is nothing to fold, a dependency is missing, the state is over the cap, or a row does not decode', () => {
    const [a, b, c] = chain();
    if (a === undefined || b === undefined || c === undefined) throw new Error('no updates');
    expect(foldRows([], 1 << 20)).toEqual({ ok: false, reason: 'nothing' });
    expect(foldRows([row(1, 2, 1, a), row(3, 2, 3, c)], 1 << 20)).toEqual({ ok: false, reason: 'pending' });
    expect(foldRows([row(1, 2, 1, a), row(2, 2, 2, b)], 8)).toEqual({ ok: false, reason: 'over_cap' });
    expect(foldRows([row(1, 2, 1, a), row(2, 2, 2, Uint8Array.of(9, 200, 7))], 1 << 20)).toEqual({
      ok: false,
      reason: 'unreadable',
    });
  });
});
