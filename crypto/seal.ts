// PROTOCOL.md §8.1: Seal = crypto_kx with a fresh ephemeral key + XChaCha20-Poly1305 whose associated data
// binds the purpose and the full context (vault, epoch, recipient…). crypto_box_seal has no associated data,
// so context would have to be checked after decryption; here a wrap replayed elsewhere simply fails to open.
import { concat, domain } from './bytes.ts';
import type { SealPurpose } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { aeadDecrypt, aeadEncrypt, boxKeyPair } from './primitives.ts';
import type { Rng } from './sodium.ts';
import { sodium, systemRng } from './sodium.ts';

/** Bytes a seal adds to its plaintext: epk 32 + tag 16. */
export const SEAL_OVERHEAD = 48;

// The session key is used for exactly one message (a fresh ephemeral key per seal), so a zero nonce is safe.
const ZERO_NONCE = new Uint8Array(24);

/**
 * `Seal(pk_R, purpose, ctx, m) = epk ‖ AEAD(k, 0^24, m, D(purpose) ‖ ctx ‖ epk)`. The ephemeral key pair comes
 * from a 32-byte seed drawn from `rng` (so vectors can fix it) and its secret is wiped at once.
 */
export function seal(
  recipientPk: Uint8Array,
  purpose: SealPurpose,
  ctx: Uint8Array,
  message: Uint8Array,
  rng: Rng = systemRng,
): Uint8Array {
  const seed = rng(32);
  const eph = boxKeyPair(seed);
  let keys: { sharedRx: Uint8Array; sharedTx: Uint8Array };
  try {
    keys = sodium().crypto_kx_client_session_keys(eph.publicKey, eph.secretKey, recipientPk);
  } catch (cause) {
    throw new CryptoError('low_order_key', 'recipient public key rejected by crypto_kx', { cause });
  } finally {
    sodium().memzero(seed);
    sodium().memzero(eph.secretKey);
  }
  try {
    const c = aeadEncrypt(keys.sharedTx, ZERO_NONCE, message, concat(domain(purpose), ctx, eph.publicKey));
    return concat(eph.publicKey, c);
  } finally {
    sodium().memzero(keys.sharedTx);
    sodium().memzero(keys.sharedRx);
  }
}

/**
 * Open a seal. `low_order_key` when crypto_kx refuses the ephemeral key, `decrypt_failed` when the AEAD fails
 * (wrong recipient, purpose or context, or any tampered byte).
 */
export function openSeal(
  recipientPk: Uint8Array,
  recipientSk: Uint8Array,
  purpose: SealPurpose,
  ctx: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  if (sealed.length < SEAL_OVERHEAD) throw new CryptoError('bad_encoding', 'seal shorter than its overhead');
  const epk = sealed.subarray(0, 32);
  let keys: { sharedRx: Uint8Array; sharedTx: Uint8Array };
  try {
    keys = sodium().crypto_kx_server_session_keys(recipientPk, recipientSk, epk);
  } catch (cause) {
    throw new CryptoError('low_order_key', 'ephemeral key rejected by crypto_kx', { cause });
  }
  try {
    return aeadDecrypt(keys.sharedRx, ZERO_NONCE, sealed.subarray(32), concat(domain(purpose), ctx, epk));
  } finally {
    sodium().memzero(keys.sharedTx);
    sodium().memzero(keys.sharedRx);
  }
}
