// PROTOCOL.md §10.1 and §10.3: the bytes a signer signs, the entry hash that chains the log, and the link
// signature that binds a claimed link. Devices build entries with these; the validator checks with the same
// message builders, so signer and verifier cannot disagree on what was signed.
import { concat, hashWithDomain, sign, varint } from '#crypto';
import { encodeEntry, encodeUnsignedEntry } from './encode-entry.ts';
import type { MemberBody, MemberHead, UnsignedEntry } from './member-entry.ts';

/** `h_seq = H(D("carnet/v1/member-hash") ‖ vault_id ‖ entry bytes)`. */
export function entryHash(vaultId: Uint8Array, entryBytes: Uint8Array): Uint8Array {
  return hashWithDomain('carnet/v1/member-hash', vaultId, entryBytes);
}

/** The message of the entry signature, after its domain: `vault_id ‖ entry bytes without the signature`. */
export function entrySigningMessage(vaultId: Uint8Array, unsignedBytes: Uint8Array): Uint8Array {
  return concat(vaultId, unsignedBytes);
}

/** Sign an entry with the signer's 64-byte Ed25519 secret key and return its bytes. */
export function signEntry(vaultId: Uint8Array, entry: UnsignedEntry, signerSecretKey: Uint8Array): Uint8Array {
  const unsigned = encodeUnsignedEntry(entry);
  const signature = sign(signerSecretKey, 'carnet/v1/member', entrySigningMessage(vaultId, unsigned));
  return encodeEntry({ ...entry, signature });
}

/**
 * The message of `link_sig`: `vault_id ‖ varint link_index ‖ pro_sig_pk ‖ pro_box_pk ‖ prev`. Binding `prev`
 * pins the claim to one position in one log, so a captured claim cannot be replayed elsewhere.
 */
export function linkClaimMessage(
  vaultId: Uint8Array,
  linkIndex: number,
  proSigPk: Uint8Array,
  proBoxPk: Uint8Array,
  prev: Uint8Array,
): Uint8Array {
  return concat(vaultId, varint(linkIndex), proSigPk, proBoxPk, prev);
}

/** `link_sig = Sign(link_auth_sk, "carnet/v1/link-claim", linkClaimMessage(…))`. */
export function signLinkClaim(
  vaultId: Uint8Array,
  linkIndex: number,
  proSigPk: Uint8Array,
  proBoxPk: Uint8Array,
  prev: Uint8Array,
  linkAuthSecretKey: Uint8Array,
): Uint8Array {
  return sign(
    linkAuthSecretKey,
    'carnet/v1/link-claim',
    linkClaimMessage(vaultId, linkIndex, proSigPk, proBoxPk, prev),
  );
}

/**
 * Sign the entry that extends `head` (or genesis when `head` is null): seq and prev come from the head, so a
 * caller cannot get the chain wrong.
 *
 * @example
 * const bytes = signNextEntry(vaultId, state.head, { signer: 2, time: Date.now(), body }, deviceSecretKey);
 */
export function signNextEntry(
  vaultId: Uint8Array,
  head: MemberHead | null,
  draft: { readonly signer: number; readonly time: number; readonly body: MemberBody },
  signerSecretKey: Uint8Array,
): Uint8Array {
  const seq = head === null ? 0 : head.seq + 1;
  const prev = head === null ? new Uint8Array(32) : head.hash;
  return signEntry(vaultId, { seq, prev, ...draft }, signerSecretKey);
}
