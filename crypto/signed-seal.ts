// The shape shared by deposit keys (§8.4), keyring wraps (§8.2) and keyboxes (§8.3):
// `header ‖ epk ‖ c ‖ Sign(author, domain, ctx ‖ epk ‖ c)` with c sealed under `D(purpose) ‖ ctx ‖ epk`.
// The signature covers the ephemeral key, so the seal's AEAD key is committed by the signature (§5).
import { concat } from './bytes.ts';
import type { SealPurpose, SignDomain } from './constants.ts';
import { SIGNATURE_BYTES } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { sign, verify } from './primitives.ts';
import { openSeal, SEAL_OVERHEAD, seal } from './seal.ts';
import type { Rng } from './sodium.ts';

export interface SignedSealSpec {
  purpose: SealPurpose;
  domain: SignDomain;
}

/** Build `header ‖ epk ‖ c ‖ sig`. */
export function sealSigned(
  spec: SignedSealSpec,
  header: Uint8Array,
  ctx: Uint8Array,
  recipientPk: Uint8Array,
  message: Uint8Array,
  authorSk: Uint8Array,
  rng?: Rng,
): Uint8Array {
  const sealed = seal(recipientPk, spec.purpose, ctx, message, rng);
  const sig = sign(authorSk, spec.domain, concat(ctx, sealed));
  return concat(header, sealed, sig);
}

/** The sealed part (`epk ‖ c`) and signature after a header of `headerLength` bytes. */
export function splitSigned(bytes: Uint8Array, headerLength: number): { sealed: Uint8Array; signature: Uint8Array } {
  if (bytes.length < headerLength + SEAL_OVERHEAD + SIGNATURE_BYTES) {
    throw new CryptoError('bad_encoding', 'too short for a signed seal');
  }
  return {
    sealed: bytes.slice(headerLength, bytes.length - SIGNATURE_BYTES),
    signature: bytes.slice(bytes.length - SIGNATURE_BYTES),
  };
}

/** Verify the signature (`bad_signature`), and only then open the seal. */
export function openSigned(
  spec: SignedSealSpec,
  parts: { sealed: Uint8Array; signature: Uint8Array },
  ctx: Uint8Array,
  authorPk: Uint8Array,
  recipientPk: Uint8Array,
  recipientSk: Uint8Array,
): Uint8Array {
  if (!verify(authorPk, spec.domain, concat(ctx, parts.sealed), parts.signature)) {
    throw new CryptoError('bad_signature', 'signed seal');
  }
  return openSeal(recipientPk, recipientSk, spec.purpose, ctx, parts.sealed);
}

/** Membership facts a verifier of a signed object needs (§7.5 step 2, shared with envelopes). */
export interface MembershipView {
  vaultId: Uint8Array;
  verifiedHead: number;
  headHash(seq: number): Uint8Array | undefined;
  epochAt(seq: number): number;
  authorKey(index: number, seq: number): Uint8Array | undefined;
}

/** Resolve `h_mhead` and the author's key, with the codes of §7.5. */
export function resolveSigner(
  view: MembershipView,
  author: number,
  mhead: number,
): { headHash: Uint8Array; authorPk: Uint8Array } {
  if (mhead > view.verifiedHead) throw new CryptoError('need_membership', 'cited head not verified yet');
  const headHash = view.headHash(mhead);
  if (headHash === undefined) throw new CryptoError('need_membership', 'cited head not known');
  const authorPk = view.authorKey(author, mhead);
  if (authorPk === undefined) throw new CryptoError('unknown_author', 'signer not active at the cited head');
  return { headHash, authorPk };
}
