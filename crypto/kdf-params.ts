// PROTOCOL.md §4.2, §18.2: Argon2id parameters. The floor is enforced by the client on every path, before any
// work, whoever wrote the parameters (servers supplying weak KDF parameters is a known E2EE failure).
import { CryptoError } from './crypto-error.ts';
import { sodium } from './sodium.ts';

export interface KdfParams {
  /** Argon2id passes (t). */
  opslimit: number;
  /** Memory in bytes (m). */
  memlimit: number;
}

const MiB = 1024 * 1024;

/** m ≥ 19 MiB (19,922,944 bytes), t ≥ 2 (OWASP's Argon2id minimum). */
export const KDF_FLOOR: KdfParams = { opslimit: 2, memlimit: 19 * MiB };
/** 256 MiB, t = 3 (about 0.5 s on a laptop). */
export const KDF_DEFAULT: KdfParams = { opslimit: 3, memlimit: 256 * MiB };
/**
 * Above this a stored row is refused too (`bad_encoding`): a tampered row must not make the device run
 * Argon2id for minutes or allocate gigabytes. 1 GiB and t = 64 leave room above every ladder step.
 */
export const KDF_CEILING: KdfParams = { opslimit: 64, memlimit: 1024 * MiB };
/** Tried in order when WASM memory runs out: halve memory, double passes, never below the floor. */
export const KDF_LADDER: readonly KdfParams[] = [
  KDF_DEFAULT,
  { opslimit: 6, memlimit: 128 * MiB },
  { opslimit: 12, memlimit: 64 * MiB },
  { opslimit: 24, memlimit: 32 * MiB },
];

/** `kdf_below_floor` unless both parameters are integers at or above the floor; `bad_encoding` above the ceiling. */
export function checkKdfParams(p: KdfParams): void {
  const ok =
    Number.isInteger(p.opslimit) &&
    Number.isInteger(p.memlimit) &&
    p.opslimit >= KDF_FLOOR.opslimit &&
    p.memlimit >= KDF_FLOOR.memlimit &&
    p.memlimit >= KDF_FLOOR.memlimit;
  if (!ok) throw new CryptoError('kdf_below_floor', 'Argon2id parameters under the floor (m >= 19 MiB, t >= 2)');
  if (p.opslimit > KDF_CEILING.opslimit || p.memlimit > KDF_CEILING.memlimit) {
    throw new CryptoError('bad_encoding', 'Argon2id parameters above the ceiling (m <= 1 GiB, t <= 64)');
  }
}

/** UTF-8 of the NFC passphrase, so the same words typed on two keyboards give the same key. */
export function passphraseBytes(passphrase: string): Uint8Array {
  if (passphrase.length === 0) throw new CryptoError('bad_argument', 'empty passphrase');
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

/**
 * `KEK = crypto_pwhash(32, NFC(passphrase), salt16, t, m, ARGON2ID13)`. The floor is checked first;
 * a libsodium failure (WASM memory exhausted) is `kdf_out_of_memory`.
 */
export function deriveKek(passphrase: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  checkKdfParams(params);
  if (salt.length !== 16) throw new CryptoError('bad_argument', 'salt must be 16 bytes');
  const s = sodium();
  const pw = passphraseBytes(passphrase);
  try {
    return s.crypto_pwhash(32, pw, salt, params.opslimit, params.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  } catch (cause) {
    throw new CryptoError('kdf_out_of_memory', 'Argon2id failed (memory)', { cause });
  } finally {
    s.memzero(pw);
  }
}
