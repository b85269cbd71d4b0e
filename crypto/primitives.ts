// PROTOCOL.md §1-§2: the only compositions of libsodium primitives Carnet uses. Every other file builds on
// these, so key and nonce sizes are checked once, here, and libsodium exceptions become CryptoErrors.
import { concat, domain, equal } from './bytes.ts';
import type { AdDomain, HashDomain, KdfContext, SignDomain } from './constants.ts';
import { KEY_BYTES, NONCE_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, TAG_BYTES } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { sodium } from './sodium.ts';

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new CryptoError('bad_argument', `${what} must be ${length} bytes`);
}

/** `H(m)`: BLAKE2b-256, or a shorter output where §4.2 says so. */
export function hash(message: Uint8Array, length = 32): Uint8Array {
  return sodium().crypto_generichash(length, message, null);
}

/** `H(D(d) ‖ parts…)`: a domain-separated hash. */
export function hashWithDomain(d: HashDomain, ...parts: Uint8Array[]): Uint8Array {
  return hash(concat(domain(d), ...parts));
}

/** `MAC(k, m)`: keyed BLAKE2b-256 with a 32-byte key. */
export function mac(key: Uint8Array, message: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'MAC key');
  return sodium().crypto_generichash(32, message, key);
}

/** `MAC(k, D(d) ‖ parts…)`. */
export function macWithDomain(key: Uint8Array, d: HashDomain, ...parts: Uint8Array[]): Uint8Array {
  return mac(key, concat(domain(d), ...parts));
}

/** `KDF(k, id, ctx)`: `crypto_kdf_derive_from_key(32, id, ctx, k)` with a §4.3 context. */
export function kdf(key: Uint8Array, id: number, ctx: KdfContext): Uint8Array {
  checkLength(key, KEY_BYTES, 'KDF key');
  if (!Number.isSafeInteger(id) || id < 0) throw new CryptoError('bad_argument', 'KDF subkey id');
  return sodium().crypto_kdf_derive_from_key(32, id, ctx, key);
}

/** `kc(k) = MAC(k, D("carnet/v1/key-commit"))` (§5). */
export function kc(key: Uint8Array): Uint8Array {
  return macWithDomain(key, 'carnet/v1/key-commit');
}

/** `Sign(sk, d, m) = crypto_sign_detached(D(d) ‖ m, sk)`; `sk` is the 64-byte libsodium secret key. */
export function sign(secretKey: Uint8Array, d: SignDomain, message: Uint8Array): Uint8Array {
  checkLength(secretKey, 64, 'signing key');
  return sodium().crypto_sign_detached(concat(domain(d), message), secretKey);
}

/** Verify `Sign(sk, d, m)`; false on any mismatch, never throws for bad input bytes. */
export function verify(publicKey: Uint8Array, d: SignDomain, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, concat(domain(d), message), publicKey);
  } catch {
    // libsodium throws on some malformed public keys; to a verifier that is simply "not valid".
    return false;
  }
}

/** `AEAD(k, n, m, ad)`: XChaCha20-Poly1305-IETF, output `len(m) + 16`. */
export function aeadEncrypt(key: Uint8Array, nonce: Uint8Array, message: Uint8Array, ad: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'AEAD key');
  checkLength(nonce, NONCE_BYTES, 'AEAD nonce');
  return sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, null, nonce, key);
}

/** Open `AEAD(k, n, m, ad)`; `decrypt_failed` on any mismatch (the cause is libsodium's error). */
export function aeadDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'AEAD key');
  checkLength(nonce, NONCE_BYTES, 'AEAD nonce');
  if (ciphertext.length < TAG_BYTES) throw new CryptoError('decrypt_failed', 'ciphertext shorter than its tag');
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
  } catch (cause) {
    throw new CryptoError('decrypt_failed', 'authentication failed', { cause });
  }
}

/** `D(d) ‖ parts…` for an AEAD's associated data. */
export function adWithDomain(d: AdDomain, ...parts: Uint8Array[]): Uint8Array {
  return concat(domain(d), ...parts);
}

/** An Ed25519 key pair from a 32-byte seed. */
export function signKeyPair(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  checkLength(seed, 32, 'signing seed');
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** An X25519 (crypto_kx) key pair from a 32-byte seed. */
export function boxKeyPair(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  checkLength(seed, 32, 'box seed');
  const kp = sodium().crypto_kx_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** Zero a buffer in place (`sodium.memzero`). */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const b of buffers) if (b !== undefined) sodium().memzero(b);
}

/** Constant-time equality of two commitments, MACs or keys. */
export { equal };
