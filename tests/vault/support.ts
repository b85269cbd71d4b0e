import fc from 'fast-check';
import { createRecordsModel, type Clock, type DocTarget, type Random, type RecordsModel } from '#vault';
import { seededWords } from '#tests/helpers/seeded-random';

/** A deterministic byte source, so ids and Yjs client ids repeat under one seed. */
export function seededRandom(seed: number): Random {
  const next = seededWords(seed);
  return { bytes: (length) => Uint8Array.from({ length }, () => next() & 0xff) };
}

/** A clock that moves only when told to (or by `step` on each read). */
export function manualClock(startMs = Date.UTC(2024, 0, 1), step = 0): Clock & { advance(ms: number): void } {
  let now = startMs;
  return {
    now: () => {
      const value = now;
      now += step;
      return value;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface Replica {
  model: RecordsModel;
  clock: ReturnType<typeof manualClock>;
  /** Every local update this replica emitted, in order. */
  outbox: { target: DocTarget; update: Uint8Array }[];
}

/** A model with a fixed seed and a log of its local updates. */
export function replica(seed: number, author: number): Replica {
  const clock = manualClock(Date.UTC(2024, 0, 1) + seed, 1000);
  const model = createRecordsModel({ clock, random: seededRandom(seed), author });
  const outbox: Replica['outbox'] = [];
  model.onLocalUpdate((target, update) => outbox.push({ target, update }));
  return { model, clock, outbox };
}

/** Applies one logged update to another model. */
export function deliver(model: RecordsModel, item: { target: DocTarget; update: Uint8Array }): void {
  if (item.target.kind === 'index') model.applyIndexUpdate(item.update);
  else if (item.target.kind === 'shard') model.applyShardUpdate(item.target.id, item.update);
  else model.applyUpdate(item.target.id, item.update);
}

/** Copies the whole index (root and every shard, §7.7) of `from` into `to`, as sync would. */
export function copyIndex(from: RecordsModel, to: RecordsModel): void {
  to.applyIndexUpdate(from.exportIndexUpdate());
  for (const shard of from.shardIds()) to.applyShardUpdate(shard, from.exportShardUpdate(shard));
}

/** Property tests in long mode run for minutes, past Vitest's default 30 s. */
export const LONG_TIMEOUT = process.env.CARNET_LONG === '1' ? 900_000 : 30_000;

/** Short runs in `npm test`, long ones with CARNET_LONG=1. */
export function runs(short: number, long: number): number {
  return process.env.CARNET_LONG === '1' ? long : short;
}

/**
 * Runs a fast-check property with a seed taken from CARNET_SEED or drawn now, and puts that seed in the
 * failure message so a failing run can be replayed exactly.
 */
export function assertProperty<T>(property: fc.IProperty<T>, numRuns: number): void {
  const seed = Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 0x7fffffff));
  try {
    fc.assert(property, { seed, numRuns });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`property failed with seed ${seed} (replay: CARNET_SEED=${seed})\n${message}`, { cause: error });
  }
}
