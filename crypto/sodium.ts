import libsodium from 'libsodium-wrappers-sumo';
import { CryptoError } from './crypto-error.ts';

/** The initialised libsodium-wrappers-sumo instance. */
export type Sodium = typeof libsodium;

let initialised: Sodium | undefined;

/**
 * Initialise libsodium (WASM) once and return it. Every crypto/ function calls {@link sodium}, which throws
 * `not_ready` until this promise has resolved: one `await ready()` at start-up (or in a test's `beforeAll`)
 * is the only asynchronous step, so every construction stays a plain synchronous function.
 */
export async function ready(): Promise<Sodium> {
  if (initialised === undefined) {
    await libsodium.ready;
    initialised = libsodium;
  }
  return initialised;
}

/** The ready-checked accessor: the instance, or `CryptoError('not_ready')` if `ready()` was never awaited. */
export function sodium(): Sodium {
  if (initialised === undefined) throw new CryptoError('not_ready', 'call and await ready() before any crypto');
  return initialised;
}

/** A source of random bytes. Tests inject a fixed one so that sealing is reproducible (PROTOCOL.md §23). */
export type Rng = (length: number) => Uint8Array;

/** The production randomness: `randombytes_buf`. */
export const systemRng: Rng = (length) => sodium().randombytes_buf(length);
