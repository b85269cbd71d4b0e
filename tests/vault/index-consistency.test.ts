import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordsModel } from '#vault';
import { applyOperationUnlessDeleted, operation, type Operation } from './operations.ts';
import { LONG_TIMEOUT, assertProperty, deliver, replica, runs, type Replica } from './support.ts';

type Step =
  | { kind: 'create'; who: number; day: number }
  | { kind: 'edit'; who: number; which: number; op: Operation }
  | { kind: 'remove'; who: number; which: number }
  | { kind: 'sync'; from: number; to: number; recordsFirst: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), who: fc.nat(1), day: fc.nat(27) }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('edit' as const), who: fc.nat(1), which: fc.nat(), op: operation }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), who: fc.nat(1), which: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      from: fc.nat(1),
      to: fc.nat(1),
      recordsFirst: fc.boolean(),
    }),
  },
);

/** The invariant: every loaded record's index entry says what the record says; deleted ones are not loaded. */
function expectConsistent(model: RecordsModel): void {
  const live = model.list();
  for (const id of model.loadedIds()) {
    const record = model.get(id);
    expect(model.entry(id)).toEqual({
      id,
      category: record.category,
      title: record.title,
      date: record.date,
      level: record.level,
      author: record.author,
      organisation: record.organisation,
      created: record.created,
      changed: record.changed,
      abnormal: record.observations.filter((o) => o.flag !== undefined && o.flag !== 'normal').length,
      files: record.attachments.length,
    });
  }
  for (const entry of live) expect(model.removed(entry.id)).toBeUndefined();
  expect(live.map((entry) => entry.id).sort()).toEqual(model.loadedIds().sort());
}

/** Sends what `from` emitted since the last sync to `to`, records before the index or after it. */
function sync(from: Replica, to: Replica, cursor: Map<Replica, number>, recordsFirst: boolean): void {
  const pending = from.outbox.slice(cursor.get(from) ?? 0);
  const ordered = [...pending].sort((a, b) =>
    a.target.kind === b.target.kind ? 0 : (a.target.kind === 'record') === recordsFirst ? -1 : 1,
  );
  for (const item of ordered) deliver(to.model, item);
}

describe('vault index', () => {
  it(
    'stays consistent with the records after random operations, partial syncs and deletions',
    () => {
      assertProperty(
        fc.property(fc.array(step, { maxLength: 30 }), fc.nat(1000), (steps, seed) => {
          const replicas = [replica(seed + 1, 0), replica(seed + 2, 1)] as const;
          const sent = [new Map<Replica, number>(), new Map<Replica, number>()];
          const ids: string[] = [];
          for (const s of steps) {
            if (s.kind === 'create') {
              const r = replicas[s.who] ?? replicas[0];
              const day = String(s.day + 1).padStart(2, '0');
              ids.push(r.model.create({ category: 'other', title: `r${ids.length}`, date: `2024-02-${day}` }).id);
            } else if (s.kind === 'edit' || s.kind === 'remove') {
              const r = replicas[s.who] ?? replicas[0];
              const loaded = r.model.loadedIds();
              const id = loaded[s.which % Math.max(1, loaded.length)];
              if (id === undefined) continue;
              if (s.kind === 'remove') r.model.remove(id);
              else applyOperationUnlessDeleted(r.model, id, s.op);
            } else if (s.from !== s.to) {
              const from = replicas[s.from] ?? replicas[0];
              const to = replicas[s.to] ?? replicas[1];
              const cursor = sent[s.to] ?? new Map<Replica, number>();
              sync(from, to, cursor, s.recordsFirst);
              cursor.set(from, from.outbox.length);
            }
            for (const r of replicas) expectConsistent(r.model);
          }
          // Full exchange until quiet: repairs made on receipt travel too.
          for (let round = 0; round < 6; round++) {
            const before = replicas.map((r) => r.outbox.length);
            for (const [to, from] of [
              [0, 1],
              [1, 0],
            ] as const) {
              const cursor = sent[to] ?? new Map<Replica, number>();
              sync(replicas[from], replicas[to], cursor, round % 2 === 0);
              cursor.set(replicas[from], replicas[from].outbox.length);
            }
            if (replicas.every((r, index) => r.outbox.length === before[index])) break;
          }
          for (const r of replicas) expectConsistent(r.model);
          const [a, b] = replicas;
          expect(b.model.list()).toEqual(a.model.list());
          for (const id of ids) {
            expect(b.model.entry(id)).toEqual(a.model.entry(id));
            expect(b.model.removed(id)).toEqual(a.model.removed(id));
          }
        }),
        runs(60, 600),
      );
    },
    LONG_TIMEOUT,
  );
});
