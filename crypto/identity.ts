// PROTOCOL.md §3: principals' key pairs and the fingerprint two people compare aloud or by QR.
import { boxKeyPair, hashWithDomain, kdf, signKeyPair } from './primitives.ts';
import { CryptoError } from './crypto-error.ts';
import type { Rng } from './sodium.ts';
import { systemRng } from './sodium.ts';

/** A principal's key pairs: Ed25519 for signing, X25519 (crypto_kx) for receiving seals. */
export interface Identity {
  readonly sigPk: Uint8Array;
  /** The 64-byte libsodium Ed25519 secret key. */
  readonly sigSk: Uint8Array;
  readonly boxPk: Uint8Array;
  readonly boxSk: Uint8Array;
}

/** A device's key pairs from its two seeds (seeds never leave the device, §3). */
export function deviceIdentity(sigSeed: Uint8Array, boxSeed: Uint8Array): Identity {
  const sig = signKeyPair(sigSeed);
  const box = boxKeyPair(boxSeed);
  return { sigPk: sig.publicKey, sigSk: sig.secretKey, boxPk: box.publicKey, boxSk: box.secretKey };
}

/** Two fresh 32-byte seeds for a new device. */
export function newDeviceSeeds(rng: Rng = systemRng): { sigSeed: Uint8Array; boxSeed: Uint8Array } {
  return { sigSeed: rng(32), boxSeed: rng(32) };
}

/** The recovery principal of recovery key R: `KDF(R, 1, "CNrcvsig")`, `KDF(R, 1, "CNrcvbox")` (§4.2). */
export function recoveryPrincipal(recoveryKey: Uint8Array): Identity {
  const sigSeed = kdf(recoveryKey, 1, 'CNrcvsig');
  const boxSeed = kdf(recoveryKey, 1, 'CNrcvbox');
  try {
    return deviceIdentity(sigSeed, boxSeed);
  } finally {
    sigSeed.fill(0);
    boxSeed.fill(0);
  }
}

/** `fp = H(D("carnet/v1/fingerprint") ‖ sig_pk ‖ box_pk)`. */
export function fingerprint(sigPk: Uint8Array, boxPk: Uint8Array): Uint8Array {
  if (sigPk.length !== 32 || boxPk.length !== 32) throw new CryptoError('bad_argument', 'public keys are 32 bytes');
  return hashWithDomain('carnet/v1/fingerprint', sigPk, boxPk);
}

/**
 * The fingerprint as six groups of five digits: the first 30 bytes as six 5-byte big-endian integers, each
 * mod 100000 (§3), e.g. `68610 25725 07258 54952 50153 08722`.
 */
export function fingerprintDigits(sigPk: Uint8Array, boxPk: Uint8Array): string {
  const fp = fingerprint(sigPk, boxPk);
  const groups: string[] = [];
  for (let g = 0; g < 6; g++) {
    let value = 0;
    // 40-bit integers fit exactly in a double; multiplication keeps them out of 32-bit bit operators.
    for (let i = 0; i < 5; i++) value = value * 256 + (fp[g * 5 + i] ?? 0);
    groups.push(String(value % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
