/**
 * The records model's only links to the outside world: time and randomness come in through these small
 * interfaces so tests can fix them and the model never calls Date.now() or Math.random().
 */

/** Wall-clock time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A source of cryptographically strong random bytes (crypto.getRandomValues in production). */
export interface Random {
  bytes(length: number): Uint8Array;
}

/** The real implementations, for the app. */
export const systemClock: Clock = { now: () => Date.now() };
export const systemRandom: Random = {
  bytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
};

/** Lowercase hex of `bytes` (docs/PROTOCOL.md §1: hex is lowercase). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** A fresh 16-byte id as 32 hex characters (record ids, observation ids, file ids). */
export function randomId(random: Random): string {
  const bytes = random.bytes(16);
  if (bytes.length !== 16) throw new RangeError('Random.bytes(16) returned the wrong length');
  return toHex(bytes);
}

/** A Yjs client id: a random u32 drawn from the injected source, so replicas are reproducible in tests. */
export function randomClientId(random: Random): number {
  const bytes = random.bytes(4);
  const [a = 0, b = 0, c = 0, d = 0] = bytes;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Seconds since the epoch: records store time in seconds (docs/PROTOCOL.md §1, §17.6). */
export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
