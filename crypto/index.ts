/**
 * Carnet's cryptographic core: pure functions over libsodium-wrappers-sumo (no IO, no DOM, no clock), exactly
 * as docs/PROTOCOL.md specifies. It imports nothing else of ours.
 *
 * Pattern: await {@link ready} once (app start-up, or a test's `beforeAll`); after that every function is
 * synchronous and reaches libsodium through the ready-checked accessor `sodium()`, which throws
 * `CryptoError('not_ready')` if `ready()` was never awaited. Randomness comes in as an optional `rng`
 * argument (default `systemRng`) so that tests and vectors are reproducible. Every failure is a
 * {@link CryptoError} with a typed `code` (PROTOCOL.md §21.2) and a `cause`; no message holds a secret.
 *
 * @example
 * ```ts
 * import { ready, kc, kdf, toHex } from '#crypto';
 * await ready();
 * const indexKey = kdf(epochSecret, epoch, 'CNindex_');
 * console.log(toHex(kc(indexKey))); // the key commitment, safe to show
 * ```
 */
export { ready, sodium, systemRng, type Rng, type Sodium } from './sodium.ts';
export { CryptoError, CRYPTO_ERROR_CODES, isCryptoError, type CryptoErrorCode } from './crypto-error.ts';
export * from './constants.ts';
export {
  ByteReader,
  concat,
  domain,
  equal,
  fromHex,
  list,
  toHex,
  u32be,
  u64be,
  U32_MAX,
  U53_MAX,
  utf8,
  varint,
  vbytes,
  vstr,
} from './bytes.ts';
export {
  adWithDomain,
  aeadDecrypt,
  aeadEncrypt,
  boxKeyPair,
  hash,
  hashWithDomain,
  kc,
  kdf,
  mac,
  macWithDomain,
  sign,
  signKeyPair,
  verify,
  wipe,
} from './primitives.ts';
