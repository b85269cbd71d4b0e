/**
 * Client error codes of PROTOCOL.md §21.2 (never sent on the wire), plus `not_ready` (libsodium not
 * initialised), `bad_argument` (a caller passed a key or nonce of the wrong size: a bug, not an attack) and
 * `wiped` (a key used after it was zeroed on lock).
 */
export const CRYPTO_ERROR_CODES = [
  'kdf_below_floor',
  'kdf_out_of_memory',
  'bad_passphrase',
  'bad_recovery_key',
  'recovery_checksum',
  'bad_encoding',
  'unknown_version',
  'unknown_type',
  'too_large',
  'wrong_context',
  'bad_signature',
  'decrypt_failed',
  'bad_commitment',
  'bad_padding',
  'bad_body',
  'low_order_key',
  'stream_truncated',
  'stream_bad_chunk',
  'stream_trailing',
  'link_checksum',
  'link_format',
  'need_membership',
  'unknown_author',
  'unknown_epoch',
  'bad_epoch',
  'not_ready',
  'bad_argument',
  'wiped',
] as const;

export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

/**
 * The one error crypto/ throws. `message` says what failed in words safe to log: it never holds key
 * material, plaintext or secret-derived bytes (callers pass only static text). `cause` keeps the underlying
 * error (a libsodium exception, for instance) for debugging.
 */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message === undefined ? code : `${code}: ${message}`, options);
    this.code = code;
  }
}

/** True when `e` is a CryptoError, optionally with the given code. */
export function isCryptoError(e: unknown, code?: CryptoErrorCode): e is CryptoError {
  return e instanceof CryptoError && (code === undefined || e.code === code);
}
