import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOperation, operation } from './operations.ts';
import {
  LONG_TIMEOUT,
  assertProperty,
  copyIndex,
  deliver,
  replica,
  runs,
  seededRandom,
  type Replica,
} from './support.ts';

/** Fisher–Yates with a seeded source, and some items repeated, as a flaky network would deliver them. */
function shuffledWithDuplicates<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (const item of items) if ((random.bytes(1)[0] ?? 0) < 64) out.push(item);
  for (let index = out.length - 1; index > 0; index--) {
    const [a = 0, b = 0] = random.bytes(2);
    const other = ((a << 8) | b) % (index + 1);
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}

/** Exchanges every pending local update between replicas until none emits anything new (index repairs included). */
function exchangeUntilQuiet(replicas: Replica[], seed: number): void {
  const sent = replicas.map(() => 0);
  for (let round = 0; round < 10; round++) {
    const batches = replicas.map((r, index) => r.outbox.slice(sent[index]));
    replicas.forEach((r, index) => (sent[index] = r.outbox.length));
    if (batches.every((batch) => batch.length === 0)) return;
    replicas.forEach((target, index) => {
      const incoming = batches.filter((_, from) => from !== index).flat();
      for (const item of shuffledWithDuplicates(incoming, seed + round * 31 + index)) deliver(target.model, item);
    });
  }
  throw new Error('replicas kept emitting updates');
}

describe('concurrent edits of one record', () => {
  it(
    'converge on every replica, whatever the delivery order and duplicates',
    () => {
      assertProperty(
        fc.property(
          fc.array(fc.array(operation, { maxLength: 12 }), { minLength: 2, maxLength: 3 }),
          fc.nat(),
          (opsPerReplica, seed) => {
            const replicas = opsPerReplica.map((_, index) => replica(seed + index * 7919, index));
            const [origin] = replicas;
            if (origin === undefined) return;
            const { id } = origin.model.create({ category: 'lab-result', title: 'Bilan', date: '2024-01-01' });
            for (const other of replicas.slice(1)) {
              other.model.applyUpdate(id, origin.model.exportUpdate(id));
              copyIndex(origin.model, other.model);
            }
            replicas.forEach((r, index) => {
              for (const op of opsPerReplica[index] ?? []) {
                r.clock.advance(1000);
                applyOperation(r.model, id, op);
              }
            });
            exchangeUntilQuiet(replicas, seed);
            const expected = origin.model.get(id);
            for (const other of replicas.slice(1)) {
              expect(other.model.get(id)).toEqual(expected);
              expect(other.model.entry(id)).toEqual(origin.model.entry(id));
              expect(other.model.stateVector(id)).toEqual(origin.model.stateVector(id));
            }
            expect(origin.model.entry(id)).toMatchObject({ title: expected.title, changed: expected.changed });
          },
        ),
        runs(60, 1000),
      );
    },
    LONG_TIMEOUT,
  );
});
