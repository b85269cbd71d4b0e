// The one seeded pseudo-random generator of the tests and benches (mulberry32): small, fast, and the same
// sequence in Node and in Chromium, so a failing seed printed by a test replays the same run anywhere.
// Not for keys or nonces: those come from libsodium.

/** 32-bit words in [0, 2^32), the same sequence for the same seed. */
export function seededWords(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Numbers in [0, 1), like `Math.random`, the same sequence for the same seed.
 * @example
 * const rand = seededRandom(SEED);
 * const delay = 150 + Math.floor(rand() * 1500);
 */
export function seededRandom(seed: number): () => number {
  const next = seededWords(seed);
  return () => next() / 2 ** 32;
}

/** The first seed of a seeded test: CARNET_SEED when set, else a fresh one (print it). Run i uses seed base + i,
 * so CARNET_SEED=<that seed> replays it as run 0. */
export function baseSeed(): number {
  return Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 2 ** 31));
}
