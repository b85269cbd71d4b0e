// PROTOCOL.md §4.2, §5, §7.1: keys derived from the epoch secret S_E, the record root R_r and the device
// storage key. Record keys are keyed BLAKE2b (not crypto_kdf) because a 16-byte record id and an epoch do not
// fit a 64-bit subkey id; the domain tag keeps the two uses apart.
import { u32be } from './bytes.ts';
import { CryptoError } from './crypto-error.ts';
import { boxKeyPair, hashWithDomain, kdf, macWithDomain } from './primitives.ts';

function checkId(id: Uint8Array, what: string): void {
  if (id.length !== 16) throw new CryptoError('bad_argument', `${what} must be 16 bytes`);
}

/** `K(r,E) = MAC(S_E, D("carnet/v1/record-key") ‖ vault_id ‖ record_id ‖ u32be(E) ‖ R_r)`. */
export function recordKey(
  epochSecret: Uint8Array,
  vaultId: Uint8Array,
  recordId: Uint8Array,
  epoch: number,
  recordRoot: Uint8Array,
): Uint8Array {
  checkId(vaultId, 'vault id');
  checkId(recordId, 'record id');
  if (recordRoot.length !== 32) throw new CryptoError('bad_argument', 'record root must be 32 bytes');
  return macWithDomain(epochSecret, 'carnet/v1/record-key', vaultId, recordId, u32be(epoch), recordRoot);
}

/** `ec_E = MAC(S_E, D("carnet/v1/epoch-commit") ‖ vault_id ‖ u32be(E))` (§5). */
export function epochCommitment(epochSecret: Uint8Array, vaultId: Uint8Array, epoch: number): Uint8Array {
  checkId(vaultId, 'vault id');
  return macWithDomain(epochSecret, 'carnet/v1/epoch-commit', vaultId, u32be(epoch));
}

/** `I_E = KDF(S_E, E, "CNindex_")`: the key of the vault index document. */
export function indexKey(epochSecret: Uint8Array, epoch: number): Uint8Array {
  return kdf(epochSecret, epoch, 'CNindex_');
}

/** The inbox X25519 key pair of epoch E: `KDF(S_E, E, "CNinbox_")` → `crypto_kx_seed_keypair`. */
export function inboxKeyPair(epochSecret: Uint8Array, epoch: number): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const seed = kdf(epochSecret, epoch, 'CNinbox_');
  try {
    return boxKeyPair(seed);
  } finally {
    seed.fill(0);
  }
}

/** The presence key `KDF(K(r,E), 1, "CNpresnc")`. */
export function presenceKey(recordKeyBytes: Uint8Array): Uint8Array {
  return kdf(recordKeyBytes, 1, 'CNpresnc');
}

/** `index_id = H(D("carnet/v1/index-id") ‖ vault_id)[0..16]`: the record id of the vault index. */
export function indexId(vaultId: Uint8Array): Uint8Array {
  checkId(vaultId, 'vault id');
  return hashWithDomain('carnet/v1/index-id', vaultId).slice(0, 16);
}

/** `LSK = KDF(DSK, 1, "CNlocal_")`: the key of local rows (§18.3). */
export function localStorageKey(deviceStorageKey: Uint8Array): Uint8Array {
  return kdf(deviceStorageKey, 1, 'CNlocal_');
}
