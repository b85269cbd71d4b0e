import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { decodeSearchHeader } from '#vault/derived/search-format';
import type { SearchStore } from '#vault/derived/search-store';
import { baseSeed, seededRandom } from '#tests/helpers/seeded-random';
import { searchWorld, type SearchWorld } from '#tests/helpers/search-store-world';

const RUNS = process.env.CARNET_LONG === '1' ? 200 : 20;
const STEPS = 40;
const BASE_SEED = baseSeed();

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const idOf = (n: number): string => n.toString(16).padStart(32, '0');
const WORDS = ['écho', 'echographie', 'abc', 'ab', 'glycémie', 'Glycemie', '5,4', '5.40', 'mg', 'œdème', 'x𝒜b', '한국'];
const sentence = (rand: Rand): string =>
  Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(rand, WORDS)).join(' ');
const texts = (rand: Rand): string[] => Array.from({ length: Math.floor(rand() * 3) }, () => sentence(rand));
const query = (rand: Rand): string => {
  const word = pick(rand, [...WORDS, 'zzz']);
  return rand() < 0.3
    ? `${word} ${pick(rand, WORDS).slice(0, 2)}`
    : word.slice(0, 1 + Math.floor(rand() * word.length));
};

/** What the vault answers: the persisted index for the records it may answer, brute force for the stale ones. */
function answer(world: SearchWorld, store: SearchStore, text: string): Set<string> {
  const persisted = store.query(text, () => false) ?? new Set<string>();
  for (const id of persisted) expect(store.stale().has(id)).toBe(false);
  const stale = [...world.bruteForce(text)].filter((id) => store.stale().has(id));
  return new Set([...persisted, ...stale]);
}

function expectExact(world: SearchWorld, store: SearchStore, rand: Rand): void {
  for (let q = 0; q < 6; q++) {
    const text = query(rand);
    expect(answer(world, store, text), text).toEqual(world.bruteForce(text));
  }
}

beforeAll(async () => {
  await ready();
});

describe('search store', () => {
  it(
    'answers exactly as brute force over every live record through edits, deletes, runs, crashes and reopens (seeded)',
    async () => {
      const counts = { run: 0, crashed: 0, firstBuilds: 0, newGenerations: 0, tampered: 0 };
      for (let r = 0; r < RUNS; r++) {
        const seed = BASE_SEED + r;
        const world = searchWorld();
        try {
          const rand = seededRandom(seed);
          let store = world.store();
          await store.open();
          let next = 0;
          for (let step = 0; step < STEPS; step++) {
            const live = [...world.texts.keys()].filter((id) => !world.deleted.has(id));
            const action = rand();
            if (action < 0.3 || live.length === 0) {
              const id = live.length > 0 && rand() < 0.5 ? pick(rand, live) : idOf(next++);
              await world.edit(id, texts(rand));
              await store.refresh();
            } else if (action < 0.4) {
              const id = pick(rand, live);
              world.deleted.add(id);
              if (rand() < 0.7) await store.forget(id);
            } else if (action < 0.45) {
              await world.familyRow();
              await store.refresh();
            } else if (action < 0.7) {
              const trip = rand();
              if (trip < 0.15) world.trip.readThrows = true;
              else if (trip < 0.3) world.trip.sealThrowsAfter = Math.floor(rand() * 4);
              else if (trip < 0.45 && live.length > 0) world.trip.editDuringRead = pick(rand, live);
              const gen = await headerGen(world);
              const crashed = await store.run().then(
                () => false,
                () => true,
              );
              const after = await headerGen(world);
              if (after !== gen) counts[gen === undefined ? 'firstBuilds' : 'newGenerations'] += 1;
              counts[crashed ? 'crashed' : 'run'] += 1;
              world.trip.readThrows = false;
              world.trip.sealThrowsAfter = undefined;
              world.trip.editDuringRead = undefined;
              if (!crashed) expect(store.ready()).toBe(true);
            } else if (action < 0.8) {
              await store.refresh();
            } else if (action < 0.85) {
              // A flipped byte in any stored row: seen at the next read of that row (a reopen for table and
              // pages, which a refresh under the same header keeps from memory), never used.
              const rows = await world.db.search.toArray();
              if (rows.length > 0) {
                const row = pick(rand, rows);
                const bytes = row.bytes.slice();
                const at = Math.floor(rand() * bytes.length);
                bytes[at] = (bytes[at] ?? 0) ^ (1 + Math.floor(rand() * 255));
                await world.db.search.put({ key: row.key, bytes });
                counts.tampered += 1;
              }
            } else {
              store = world.store();
              await store.open();
            }
            expectExact(world, store, rand);
          }
          await store.run();
          expect(store.ready()).toBe(true);
          expect(store.stale().size).toBe(0);
          expectExact(world, store, rand);
        } catch (error) {
          console.log(`search store property test failed with seed ${seed} (CARNET_SEED=${seed} replays it)`);
          throw error;
        } finally {
          world.close();
        }
      }
      console.log(`search store: ${RUNS} seeds × ${STEPS} steps; runs ${JSON.stringify(counts)}`);
      expect(counts.run).toBeGreaterThan(0);
      expect(counts.crashed).toBeGreaterThan(0);
      expect(counts.newGenerations).toBeGreaterThan(0);
    },
    RUNS * 3_000,
  );
});

/** The stored header's generation; undefined when missing or tampered. */
async function headerGen(world: SearchWorld): Promise<number | undefined> {
  const row = await world.db.search.get('h');
  try {
    return row === undefined ? undefined : decodeSearchHeader(world.openRaw('h', row.bytes)).gen;
  } catch {
    return undefined;
  }
}

/** A world with three indexed records and a store that is ready. */
async function indexed(): Promise<{ world: SearchWorld; store: SearchStore }> {
  const world = searchWorld();
  await world.edit(idOf(1), ['Échographie abdominale']);
  await world.edit(idOf(2), ['Glycémie 5,4 mmol']);
  await world.edit(idOf(3), ['Note sans rapport']);
  const store = world.store();
  await store.open();
  await store.run();
  expect(store.ready()).toBe(true);
  return { world, store };
}

async function header(world: SearchWorld) {
  const row = await world.db.search.get('h');
  return row === undefined ? undefined : decodeSearchHeader(world.openRaw('h', row.bytes));
}

describe('search store staleness', () => {
  it('holds a record with a row above W stale until run() reindexes it; family rows never do', async () => {
    const { world, store } = await indexed();
    try {
      expect(store.query('echo', () => false)).toEqual(new Set([idOf(1)]));
      await world.edit(idOf(1), ['Radiographie thorax']);
      await world.familyRow();
      await store.refresh();
      expect(store.stale()).toEqual(new Set([idOf(1)]));
      expect(store.ready()).toBe(false);
      expect(store.query('echo', () => false)).toEqual(new Set());
      expect(store.query('radio', () => false)).toEqual(new Set());
      // A fresh tab sees the same from the stored rows alone.
      const other = world.store();
      await other.open();
      expect(other.stale()).toEqual(new Set([idOf(1)]));
      await store.run();
      expect(store.ready()).toBe(true);
      expect(store.query('radio', () => false)).toEqual(new Set([idOf(1)]));
      expect(store.query('echo', () => false)).toEqual(new Set());
      expect(store.query('gly 5.4', () => false)).toEqual(new Set([idOf(2)]));
      expect(store.query('gly', (id) => id === idOf(2))).toEqual(new Set());
      // W moved over every row, the family's too: nothing above it.
      const last = (await world.db.envelopes.orderBy(':id').lastKey()) as number;
      expect((await header(world))?.w).toBe(last);
      expect(world.reads.at(-1)).toEqual([idOf(1)]);
    } finally {
      world.close();
    }
  });
});

/** Opens a fresh store over the world's rows: it must see the damage, answer nothing, and rebuild in run(). */
async function expectRebuilt(world: SearchWorld, damagedKey: string | undefined, gen?: number): Promise<void> {
  const store = world.store();
  await store.open();
  expect(store.ready()).toBe(false);
  expect(store.stale()).toEqual(new Set(world.texts.keys()));
  expect(store.query('echo', () => false)).toEqual(new Set());
  expect(world.reports).toEqual(
    damagedKey === undefined ? [] : [{ code: 'tampered_row', table: 'search', key: damagedKey }],
  );
  const before = await header(world).catch(() => undefined);
  await store.run();
  expect(store.ready()).toBe(true);
  expect(store.query('echo', () => false)).toEqual(world.bruteForce('echo'));
  expect(store.query('gly', () => false)).toEqual(world.bruteForce('gly'));
  // A rebuild leaves exactly one generation: header, its table row and pages, no delta.
  const now = (await header(world))?.gen ?? 0;
  expect(now).toBe(gen ?? (before === undefined ? 1 : before.gen + 1));
  const keys = (await world.db.search.toCollection().primaryKeys()).sort();
  expect(keys.every((key) => key === 'h' || key.startsWith(`t${now}:`) || key.startsWith(`p${now}:`))).toBe(true);
  expect(world.reads.at(-1)?.sort()).toEqual([...world.texts.keys()].sort());
}

/** A second generation of the same number (a rebuild after the header was lost), its rows replacing the first's. */
async function regenerated(): Promise<{ world: SearchWorld; old: Map<string, Uint8Array> }> {
  const { world } = await indexed();
  const old = new Map((await world.db.search.toArray()).map((row) => [row.key, row.bytes]));
  await world.edit(idOf(4), ['Échocardiographie']);
  await world.db.search.delete('h');
  const store = world.store();
  await store.open();
  await store.run();
  expect((await header(world))?.gen).toBe(1);
  return { world, old };
}

describe('search store damage', () => {
  it('rebuilds generation 1 when the header is missing, reporting nothing', async () => {
    const { world } = await indexed();
    try {
      await world.db.search.delete('h');
      await expectRebuilt(world, undefined);
    } finally {
      world.close();
    }
  });

  it('rebuilds over a header of another format without reporting tampering', async () => {
    const { world } = await indexed();
    try {
      const row = await world.db.search.get('h');
      if (row === undefined) throw new Error('no header');
      const raw = world.openRaw('h', row.bytes).slice();
      raw[0] = 2;
      await world.db.search.put({ key: 'h', bytes: world.deps.seal('h', raw) });
      await expectRebuilt(world, undefined, 1);
    } finally {
      world.close();
    }
  });

  it('reports a tampered header, table row, page or delta and rebuilds', async () => {
    for (const which of ['h', 't1:0', 'p1:0', 'delta']) {
      const { world, store } = await indexed();
      try {
        if (which === 'delta') {
          await world.edit(idOf(1), ['Échographie pelvienne']);
          await store.run();
        }
        const key = which === 'delta' ? `d${idOf(1)}` : which;
        const row = await world.db.search.get(key);
        if (row === undefined) throw new Error(`no row ${key}`);
        const bytes = row.bytes.slice();
        bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 1;
        await world.db.search.put({ key, bytes });
        await expectRebuilt(world, key);
      } finally {
        world.close();
      }
    }
  });

  it('refuses a page or a record table row put back from an older generation of the same number (hash)', async () => {
    for (const key of ['p1:0', 't1:0']) {
      const { world, old } = await regenerated();
      try {
        const bytes = old.get(key);
        if (bytes === undefined) throw new Error(`no old ${key}`);
        await world.db.search.put({ key, bytes });
        await expectRebuilt(world, key);
      } finally {
        world.close();
      }
    }
  });

  it('answers exactly from a whole search table rolled back to an older copy: changed records are stale, never wrong', async () => {
    const { world, store } = await indexed();
    try {
      const old = await world.db.search.toArray();
      await world.edit(idOf(1), ['Radiographie']);
      await world.edit(idOf(5), ['Échographie rénale']);
      world.deleted.add(idOf(2));
      await store.forget(idOf(2));
      await store.run();
      await world.db.search.clear();
      await world.db.search.bulkPut(old);
      const reopened = world.store();
      await reopened.open();
      expect(reopened.stale()).toEqual(new Set([idOf(1), idOf(5)]));
      for (const text of ['echo', 'radio', 'gly', 'note']) {
        expect(answer(world, reopened, text)).toEqual(world.bruteForce(text));
      }
      await reopened.run();
      expect(reopened.ready()).toBe(true);
      expect(reopened.query('echo', () => false)).toEqual(new Set([idOf(5)]));
      expect(world.reports).toEqual([]);
      // The deleted record the old table still held was merged out.
      expect((await header(world))?.gen).toBe(2);
    } finally {
      world.close();
    }
  });
});

describe('search store merge', () => {
  it('merges when the deltas outnumber max(64, records / 32), absorbing them into generation gen + 1', async () => {
    const world = searchWorld();
    try {
      for (let n = 0; n < 100; n++) await world.edit(idOf(n), [`record ${n} echo`]);
      const store = world.store();
      await store.open();
      await store.run();
      expect((await header(world))?.gen).toBe(1);
      for (let n = 0; n < 64; n++) await world.edit(idOf(n), [`record ${n} radio`]);
      await store.run();
      const deltas = async (): Promise<number> =>
        (await world.db.search.where('key').startsWith('d').primaryKeys()).length;
      expect([(await header(world))?.gen, await deltas()]).toEqual([1, 64]);
      await world.edit(idOf(64), ['record 64 radio']);
      await store.run();
      expect([(await header(world))?.gen, await deltas()]).toEqual([2, 0]);
      expect(store.ready()).toBe(true);
      expect(store.query('radio', () => false)?.size).toBe(65);
      expect(store.query('echo', () => false)?.size).toBe(35);
      expect(world.reads.flat()).toHaveLength(100 + 64 + 1);
    } finally {
      world.close();
    }
  });
});

describe('search store purge', () => {
  it('leaves no row holding a forgotten record’s terms or id after run()', async () => {
    const { world, store } = await indexed();
    try {
      const secret = 'ѯsecretterm';
      const later = 'ѳlaterword';
      await world.edit(idOf(7), [`Échographie ${secret}`]);
      await store.run(); // a delta
      await store.forget(idOf(9)); // a record never indexed: nothing to do
      await world.db.search.delete('h');
      await store.open();
      await store.run(); // rebuilt: idOf(7) in the table
      await world.edit(idOf(7), [`${later} ${secret}`]);
      await store.run(); // and a delta beside it
      const holding = async (): Promise<string[]> => {
        const needles = [Buffer.from(secret), Buffer.from(later), Buffer.from(idOf(7), 'hex')];
        const found: string[] = [];
        for (const row of await world.db.search.toArray()) {
          const raw = Buffer.from(world.openRaw(row.key, row.bytes));
          if (row.key.includes(idOf(7)) || needles.some((n) => raw.includes(n))) found.push(row.key);
        }
        return found.sort();
      };
      expect(await holding()).toEqual([`d${idOf(7)}`, 'p1:0', 't1:0']);
      world.deleted.add(idOf(7));
      await store.forget(idOf(7));
      expect(await holding()).toEqual(['p1:0', 't1:0']);
      await store.run();
      expect(await holding()).toEqual([]);
      expect((await header(world))?.gen).toBe(2);
      expect(store.query('echo', () => false)).toEqual(new Set([idOf(1)]));
    } finally {
      world.close();
    }
  });
});
