// Seeded randomness for tests that vary orderings and timings: CARNET_SEED replays a failure, as in kill9 and
// the fuzz suites (run i of a seeded test uses seed base + i, so CARNET_SEED=<that seed> replays it as run 0).

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The first seed of a seeded test: CARNET_SEED when set, else a fresh one (print it). */
export function baseSeed(): number {
  return Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 2 ** 31));
}
