import { describe, expect, it } from 'vitest';
import type { StoreProblem } from '#vault';
import { applyLiveRows } from '#vault/store/apply-rows';
import type { OpenedRow } from '#vault/store/envelope-reader';
import { deliver, replica } from './support.ts';

const INDEX = 'ff'.repeat(16);

function updateRow(id: number, seq: number, yjs: Uint8Array): OpenedRow {
  return { id, type: 'update', author: 1, seq, coverage: new Map(), yjs, time: 0, attribution: [], size: yjs.length };
}

describe(applyLiveRows.name, () => {
  it('a row that opened but holds no Yjs update is reported unreadable; the record’s other rows still apply', () => {
    const writer = replica(7, 1);
    const record = writer.model.create({ category: 'lab-result', title: 'Bilan', date: '2024-03-05' });
    writer.model.setNote(record.id, 'à jeun');
    const reader = replica(8, 2);
    for (const item of writer.outbox.filter((i) => i.target.kind === 'index')) deliver(reader.model, item);
    const updates = writer.outbox.filter((i) => i.target.kind === 'record').map((i) => i.update);
    const garbage = Uint8Array.of(9, 200, 7, 1, 0xff, 3);
    const rows = [
      ...updates.map((u, i) => updateRow(i + 1, i + 1, u)),
      updateRow(updates.length + 1, updates.length + 1, garbage),
    ];
    const problems: StoreProblem[] = [];
    const ctx = { records: reader.model, indexHex: INDEX, report: (p: StoreProblem) => problems.push(p) };
    applyLiveRows(ctx, record.id, rows);
    expect(problems).toEqual([{ code: 'unreadable_row', table: 'envelopes', recordId: record.id }]);
    expect(reader.model.get(record.id).note).toBe('à jeun');
  });
});
