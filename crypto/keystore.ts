// PROTOCOL.md §18.2: the keystore row (type 0x30). A random device storage key DSK encrypts the body; DSK is
// wrapped twice: under the passphrase KEK (with an explicit kc(KEK), since a passphrase key is one an attacker
// could pick, §5) and sealed to the recovery principal (so a device linked later opens with the kit alone).
import { ByteReader, concat, equal, u32be } from './bytes.ts';
import { TYPE, VERSION } from './constants.ts';
import { CryptoError, isCryptoError } from './crypto-error.ts';
import { recoveryPrincipal } from './identity.ts';
import type { KdfParams } from './kdf-params.ts';
import { checkKdfParams, deriveKek, KDF_LADDER } from './kdf-params.ts';
import type { KeystoreBody } from './keystore-body.ts';
import { decodeKeystoreBody, encodeKeystoreBody } from './keystore-body.ts';
import { adWithDomain, aeadDecrypt, aeadEncrypt, kc, wipe } from './primitives.ts';
import { openSeal, seal } from './seal.ts';
import type { Rng } from './sodium.ts';
import { systemRng } from './sodium.ts';

const ARGON2ID13 = 0x02;
const PASS_START = 18; // bytes 18..147: the passphrase part, the only part a passphrase change rewrites
const RECOVERY_START = 147; // bytes 147..227: the recovery seal
const BODY_START = 227;
const RECOVERY_PURPOSE = 'carnet/v1/seal/keystore-recovery' as const;

/** The parsed fixed part of a keystore row. */
interface KeystoreParts {
  vaultId: Uint8Array;
  params: KdfParams;
  salt: Uint8Array;
  kekCommitment: Uint8Array;
  passNonce: Uint8Array;
  wrappedDsk: Uint8Array;
  recoverySeal: Uint8Array;
  bodyNonce: Uint8Array;
  body: Uint8Array;
}

/** Parse, refusing parameters under the floor before anything else is done (`kdf_below_floor`). */
function parseKeystore(bytes: Uint8Array): KeystoreParts {
  const r = new ByteReader(bytes);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'keystore version');
  if (r.u8() !== TYPE.keystore) throw new CryptoError('unknown_type', 'not a keystore');
  const vaultId = r.bytes(16);
  if (r.u8() !== ARGON2ID13) throw new CryptoError('bad_encoding', 'unknown KDF algorithm');
  const params = { opslimit: r.u32be(), memlimit: r.u32be() };
  checkKdfParams(params);
  const parts = {
    vaultId,
    params,
    salt: r.bytes(16),
    kekCommitment: r.bytes(32),
    passNonce: r.bytes(24),
    wrappedDsk: r.bytes(48),
    recoverySeal: r.bytes(80),
    bodyNonce: r.bytes(24),
  };
  if (r.remaining < 16) throw new CryptoError('bad_encoding', 'keystore body too short');
  return { ...parts, body: r.rest() };
}

/** Bytes 18..147 for a passphrase: algorithm, parameters, salt, kc(KEK), nonce, AEAD(KEK, DSK). */
function passPart(vaultId: Uint8Array, dsk: Uint8Array, passphrase: string, params: KdfParams, rng: Rng): Uint8Array {
  const salt = rng(16);
  const kek = deriveKek(passphrase, salt, params);
  try {
    return passPartWithKek(vaultId, dsk, kek, salt, params, rng);
  } finally {
    wipe(kek);
  }
}

/** The same bytes from a KEK derived elsewhere (a Worker), with the salt and parameters it was derived with. */
function passPartWithKek(
  vaultId: Uint8Array,
  dsk: Uint8Array,
  kek: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
  rng: Rng,
): Uint8Array {
  checkKdfParams(params);
  if (salt.length !== 16 || kek.length !== 32) throw new CryptoError('bad_argument', 'salt or KEK of the wrong size');
  const head = concat(
    Uint8Array.of(VERSION, TYPE.keystore),
    vaultId,
    Uint8Array.of(ARGON2ID13),
    u32be(params.opslimit),
    u32be(params.memlimit),
    salt,
  );
  const nonce = rng(24);
  const wrapped = aeadEncrypt(kek, nonce, dsk, adWithDomain('carnet/v1/ad/keystore-pass', head));
  return concat(head.subarray(PASS_START), kc(kek), nonce, wrapped);
}

function recoveryPart(vaultId: Uint8Array, dsk: Uint8Array, recoveryBoxPk: Uint8Array, rng: Rng): Uint8Array {
  return seal(recoveryBoxPk, RECOVERY_PURPOSE, concat(vaultId, recoveryBoxPk), dsk, rng);
}

function bodyPart(vaultId: Uint8Array, dsk: Uint8Array, body: KeystoreBody, rng: Rng): Uint8Array {
  const plain = encodeKeystoreBody(body);
  try {
    const nonce = rng(24);
    const ad = adWithDomain('carnet/v1/ad/keystore', Uint8Array.of(VERSION, TYPE.keystore), vaultId);
    return concat(nonce, aeadEncrypt(dsk, nonce, plain, ad));
  } finally {
    wipe(plain);
  }
}

/**
 * Create a keystore with a fresh DSK. Without `params`, walks the ladder (256 MiB/t=3, 128/6, 64/12, 32/24)
 * past `kdf_out_of_memory` and reports what worked, to be stored (it is, in the row).
 */
export function createKeystore(input: {
  vaultId: Uint8Array;
  passphrase: string;
  recoveryBoxPk: Uint8Array;
  body: KeystoreBody;
  params?: KdfParams;
  rng?: Rng;
}): { bytes: Uint8Array; dsk: Uint8Array; params: KdfParams } {
  const rng = input.rng ?? systemRng;
  const dsk = rng(32);
  const ladder = input.params === undefined ? KDF_LADDER : [input.params];
  for (const [i, params] of ladder.entries()) {
    try {
      const pass = passPart(input.vaultId, dsk, input.passphrase, params, rng);
      const bytes = concat(
        Uint8Array.of(VERSION, TYPE.keystore),
        input.vaultId,
        pass,
        recoveryPart(input.vaultId, dsk, input.recoveryBoxPk, rng),
        bodyPart(input.vaultId, dsk, input.body, rng),
      );
      return { bytes, dsk, params };
    } catch (e) {
      if (!isCryptoError(e, 'kdf_out_of_memory') || i === ladder.length - 1) {
        wipe(dsk);
        throw e;
      }
    }
  }
  throw new CryptoError('kdf_out_of_memory', 'no KDF parameters worked');
}

function openBody(parts: KeystoreParts, dsk: Uint8Array): KeystoreBody {
  const ad = adWithDomain('carnet/v1/ad/keystore', Uint8Array.of(VERSION, TYPE.keystore), parts.vaultId);
  const plain = aeadDecrypt(dsk, parts.bodyNonce, parts.body, ad);
  try {
    return decodeKeystoreBody(plain);
  } catch (cause) {
    throw new CryptoError('bad_body', 'keystore body', { cause });
  } finally {
    wipe(plain);
  }
}

/** The Argon2id inputs of a stored row (the floor and ceiling already checked), to derive its KEK. */
export function keystoreKdfInputs(bytes: Uint8Array): { salt: Uint8Array; params: KdfParams } {
  const parts = parseKeystore(bytes);
  return { salt: parts.salt, params: parts.params };
}

/**
 * Unlock with the passphrase. The floor is checked before Argon2id runs; a wrong passphrase fails the kc(KEK)
 * compare (`bad_passphrase`) before the AEAD is called.
 */
export function unlockKeystore(
  bytes: Uint8Array,
  passphrase: string,
): { dsk: Uint8Array; body: KeystoreBody; vaultId: Uint8Array } {
  const { salt, params } = keystoreKdfInputs(bytes);
  const kek = deriveKek(passphrase, salt, params);
  try {
    return unlockKeystoreWithKek(bytes, kek);
  } finally {
    wipe(kek);
  }
}

/** The part of {@link unlockKeystore} after Argon2id: kc compare, then DSK, then the body. */
export function unlockKeystoreWithKek(
  bytes: Uint8Array,
  kek: Uint8Array,
): { dsk: Uint8Array; body: KeystoreBody; vaultId: Uint8Array } {
  const parts = parseKeystore(bytes);
  if (!equal(kc(kek), parts.kekCommitment)) throw new CryptoError('bad_passphrase', 'passphrase does not match');
  const dsk = aeadDecrypt(
    kek,
    parts.passNonce,
    parts.wrappedDsk,
    adWithDomain('carnet/v1/ad/keystore-pass', bytes.subarray(0, 43)),
  );
  try {
    return { dsk, body: openBody(parts, dsk), vaultId: parts.vaultId };
  } catch (e) {
    wipe(dsk);
    throw e;
  }
}

/** Unlock with the recovery key R (forgotten passphrase): `bad_recovery_key` if R is not this vault's. */
export function unlockKeystoreWithRecoveryKey(
  bytes: Uint8Array,
  recoveryKey: Uint8Array,
): { dsk: Uint8Array; body: KeystoreBody; vaultId: Uint8Array } {
  const parts = parseKeystore(bytes);
  const principal = recoveryPrincipal(recoveryKey);
  let dsk: Uint8Array;
  try {
    dsk = openSeal(
      principal.boxPk,
      principal.boxSk,
      RECOVERY_PURPOSE,
      concat(parts.vaultId, principal.boxPk),
      parts.recoverySeal,
    );
  } catch (cause) {
    if (isCryptoError(cause, 'decrypt_failed'))
      throw new CryptoError('bad_recovery_key', 'recovery key does not open this keystore', { cause });
    throw cause;
  } finally {
    wipe(principal.sigSk, principal.boxSk);
  }
  return { dsk, body: openBody(parts, dsk), vaultId: parts.vaultId };
}

/** Change the passphrase: rewrites bytes 18..147 only (new salt, parameters, kc, nonce, wrapped DSK). */
export function changeKeystorePassphrase(
  bytes: Uint8Array,
  dsk: Uint8Array,
  newPassphrase: string,
  params: KdfParams,
  rng: Rng = systemRng,
): Uint8Array {
  const parts = parseKeystore(bytes);
  const pass = passPart(parts.vaultId, dsk, newPassphrase, params, rng);
  return concat(bytes.subarray(0, PASS_START), pass, bytes.subarray(RECOVERY_START));
}

/** After `recovery-replace`: reseal DSK to the new recovery principal (bytes 147..227 only). */
export function resealKeystoreRecovery(
  bytes: Uint8Array,
  dsk: Uint8Array,
  recoveryBoxPk: Uint8Array,
  rng: Rng = systemRng,
): Uint8Array {
  const parts = parseKeystore(bytes);
  return concat(
    bytes.subarray(0, RECOVERY_START),
    recoveryPart(parts.vaultId, dsk, recoveryBoxPk, rng),
    bytes.subarray(BODY_START),
  );
}

/** Rewrite the body (fresh nonce) when the keyring or a verified head advances. */
export function rewriteKeystoreBody(
  bytes: Uint8Array,
  dsk: Uint8Array,
  body: KeystoreBody,
  rng: Rng = systemRng,
): Uint8Array {
  const parts = parseKeystore(bytes);
  return concat(bytes.subarray(0, BODY_START), bodyPart(parts.vaultId, dsk, body, rng));
}

/**
 * {@link createKeystore} for a KEK derived elsewhere (the app runs Argon2id in a Worker so the page stays
 * responsive): `kek = deriveKek(passphrase, salt, params)` with a fresh 16-byte salt.
 */
export function createKeystoreWithKek(input: {
  vaultId: Uint8Array;
  kek: Uint8Array;
  salt: Uint8Array;
  params: KdfParams;
  recoveryBoxPk: Uint8Array;
  body: KeystoreBody;
  rng?: Rng;
}): { bytes: Uint8Array; dsk: Uint8Array } {
  const rng = input.rng ?? systemRng;
  const dsk = rng(32);
  try {
    const bytes = concat(
      Uint8Array.of(VERSION, TYPE.keystore),
      input.vaultId,
      passPartWithKek(input.vaultId, dsk, input.kek, input.salt, input.params, rng),
      recoveryPart(input.vaultId, dsk, input.recoveryBoxPk, rng),
      bodyPart(input.vaultId, dsk, input.body, rng),
    );
    return { bytes, dsk };
  } catch (e) {
    wipe(dsk);
    throw e;
  }
}

/** {@link changeKeystorePassphrase} for a KEK derived elsewhere with `salt` and `params`. */
export function changeKeystorePassphraseWithKek(
  bytes: Uint8Array,
  dsk: Uint8Array,
  kek: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
  rng: Rng = systemRng,
): Uint8Array {
  const parts = parseKeystore(bytes);
  const pass = passPartWithKek(parts.vaultId, dsk, kek, salt, params, rng);
  return concat(bytes.subarray(0, PASS_START), pass, bytes.subarray(RECOVERY_START));
}
