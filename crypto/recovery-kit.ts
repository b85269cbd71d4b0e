// PROTOCOL.md §16.2, §22.8: the recovery kit's text forms. R is typed back from paper, so it carries a 2-byte
// checksum that catches typos before any network request, and uses Crockford base32 (no look-alikes).
import { decodeBase32, encodeBase32, groupBase32 } from './base32.ts';
import { concat, equal } from './bytes.ts';
import { CryptoError } from './crypto-error.ts';
import { hashWithDomain, wipe } from './primitives.ts';
import {
  locateMistypedGroup,
  recoveryKeyBytes,
  recoveryKeySymbols,
  RecoveryKeyTextError,
} from './recovery-key-mistake.ts';
import type { Rng } from './sodium.ts';
import { sodium, systemRng } from './sodium.ts';

const PREFIX = 'CR1-';
const QR_PREFIX = 'carnet-recovery:1:';

/** A fresh 256-bit recovery key. */
export function newRecoveryKey(rng: Rng = systemRng): Uint8Array {
  return rng(32);
}

function checksum(recoveryKey: Uint8Array): Uint8Array {
  return hashWithDomain('carnet/v1/recovery-check', recoveryKey).slice(0, 2);
}

/** `CR1-` + 55 base32 characters in 11 groups of 5 (dash-separated), encoding `R ‖ check(R)`. */
export function recoveryKeyText(recoveryKey: Uint8Array): string {
  if (recoveryKey.length !== 32) throw new CryptoError('bad_argument', 'recovery key must be 32 bytes');
  return PREFIX + groupBase32(encodeBase32(concat(recoveryKey, checksum(recoveryKey))), 5, '-');
}

/**
 * Parse a recovery key as people type it back (§22.8): the `CR1` prefix optional; case, spaces, line breaks,
 * tabs, any dash, dots and underscores ignored; `I`/`L` read as 1 and `O` as 0. Throws a
 * {@link RecoveryKeyTextError} whose `mistake` says what is wrong: a wrong length (how many symbols), a
 * character that is no symbol, or a checksum that fails (with the one group that explains it, when one does).
 */
export function parseRecoveryKeyText(text: string): Uint8Array {
  const values = recoveryKeySymbols(text);
  const bytes = recoveryKeyBytes(values);
  if (bytes !== null && checksOut(bytes)) {
    const recoveryKey = bytes.slice(0, 32);
    wipe(bytes);
    return recoveryKey;
  }
  if (bytes !== null) wipe(bytes);
  throw new RecoveryKeyTextError({ kind: 'checksum', group: locateMistypedGroup(values, symbolsCheckOut) });
}

function checksOut(bytes: Uint8Array): boolean {
  return equal(checksum(bytes.subarray(0, 32)), bytes.subarray(32));
}

function symbolsCheckOut(values: readonly number[]): boolean {
  const bytes = recoveryKeyBytes(values);
  if (bytes === null) return false;
  const ok = checksOut(bytes);
  wipe(bytes);
  return ok;
}

/** The vault id as 26 base32 characters. */
export function vaultIdText(vaultId: Uint8Array): string {
  if (vaultId.length !== 16) throw new CryptoError('bad_argument', 'vault id must be 16 bytes');
  return encodeBase32(vaultId);
}

export function parseVaultIdText(text: string): Uint8Array {
  return decodeBase32(text, 16);
}

/** `carnet-recovery:1:<base64url(R ‖ vault_id)>:<origin>`. */
export function recoveryQrPayload(recoveryKey: Uint8Array, vaultId: Uint8Array, origin: string): string {
  const s = sodium();
  return QR_PREFIX + s.to_base64(concat(recoveryKey, vaultId), s.base64_variants.URLSAFE_NO_PADDING) + ':' + origin;
}

export function parseRecoveryQrPayload(text: string): { recoveryKey: Uint8Array; vaultId: Uint8Array; origin: string } {
  if (!text.startsWith(QR_PREFIX)) throw new CryptoError('bad_encoding', 'not a recovery QR');
  const rest = text.slice(QR_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon !== 64) throw new CryptoError('bad_encoding', 'recovery QR layout');
  const s = sodium();
  let bytes: Uint8Array;
  try {
    bytes = s.from_base64(rest.slice(0, colon), s.base64_variants.URLSAFE_NO_PADDING);
  } catch (cause) {
    throw new CryptoError('bad_encoding', 'recovery QR base64', { cause });
  }
  if (bytes.length !== 48) throw new CryptoError('bad_encoding', 'recovery QR length');
  return { recoveryKey: bytes.slice(0, 32), vaultId: bytes.slice(32), origin: rest.slice(colon + 1) };
}
