// PROTOCOL.md §14.1, §4.3: a share link carries a 32-byte secret L in its URL fragment (never sent to a
// server), with a 4-byte checksum so that a mistyped link fails before any request. Everything the link can
// do is derived from L under five distinct KDF contexts, so that a bug swapping two subkey ids cannot turn the
// public link id into a private key.
import { base32Length, decodeBase32, encodeBase32, groupBase32 } from './base32.ts';
import { concat, equal, utf8 } from './bytes.ts';
import { ID_BYTES, KEY_BYTES } from './constants.ts';
import { CryptoError, isCryptoError } from './crypto-error.ts';
import { boxKeyPair, hashWithDomain, kdf, macWithDomain, signKeyPair, wipe } from './primitives.ts';
import { type Rng, systemRng } from './sodium.ts';

/** Bytes of the link checksum (§14.1). */
export const LINK_CHECK_BYTES = 4;
/** Text before the base32 in a link fragment: the link format version. */
export const LINK_PREFIX = 'c1';
/** Base32 characters after the prefix: 36 bytes (L ‖ check) = 58 characters. */
export const LINK_TEXT_CHARS = base32Length(KEY_BYTES + LINK_CHECK_BYTES);

/** Passcode length bounds in characters (§22.6). */
const PASSCODE_MIN = 4;
const PASSCODE_MAX = 64;

/** Everything a holder of L can compute (§4.2). Secret fields are zeroed by {@link wipeLinkKeys}. */
export interface LinkKeys {
  /** 16 bytes; public: the relay indexes the link by it. */
  readonly linkId: Uint8Array;
  /** The link box X25519 key pair ("link key"): keyboxes are sealed to it while the link is unclaimed. */
  readonly boxPublicKey: Uint8Array;
  readonly boxSecretKey: Uint8Array;
  /** PVK: keys the passcode verifier; never given to the relay, so it cannot test passcodes offline. */
  readonly passcodeVerifierKey: Uint8Array;
  /** The link auth Ed25519 key pair: proves possession of L in LINK_HELLO and countersigns the claim. */
  readonly authPublicKey: Uint8Array;
  readonly authSecretKey: Uint8Array;
  /** LMK: authenticates keyboxes (`lmac`, §8.3). */
  readonly macKey: Uint8Array;
}

/** A fresh link secret L (32 random bytes). */
export function createLinkSecret(rng: Rng = systemRng): Uint8Array {
  const secret = rng(KEY_BYTES);
  if (secret.length !== KEY_BYTES) throw new CryptoError('bad_argument', 'rng returned the wrong length');
  return secret;
}

/** `check = H(D("carnet/v1/link-check") ‖ L)[0..4]`. */
export function linkChecksum(secret: Uint8Array): Uint8Array {
  checkSecret(secret);
  return hashWithDomain('carnet/v1/link-check', secret).subarray(0, LINK_CHECK_BYTES);
}

/** The URL fragment without `#`: `c1` + 58 base32 characters of `L ‖ check`. */
export function encodeLinkFragment(secret: Uint8Array): string {
  return LINK_PREFIX + encodeBase32(concat(secret, linkChecksum(secret)));
}

/** The whole link: `https://<origin>/l#c1…` (§22.8). `origin` is the relay's origin, without a trailing slash. */
export function linkUrl(origin: string, secret: Uint8Array): string {
  return `${origin}/l#${encodeLinkFragment(secret)}`;
}

/** The fragment in groups of five characters, for reading aloud or copying onto paper (§14.1). */
export function formatLinkCode(secret: Uint8Array): string {
  return groupBase32(encodeLinkFragment(secret), 5, ' ');
}

/**
 * Recover L from a pasted URL, a fragment (with or without `#`) or a typed code (any case, any grouping).
 * Runs before any request: `link_format` if the text cannot be a link (wrong prefix, length, character or set
 * pad bits), `link_checksum` if it decodes but the checksum misses (a changed character).
 */
export function parseLink(text: string): Uint8Array {
  const hashAt = text.indexOf('#');
  const fragment = (hashAt >= 0 ? text.slice(hashAt + 1) : text).replace(/[\s-]/g, '');
  // The version prefix is read with the same leniency as the base32 after it (`cl`, `CI` are `c1`).
  if (!/^c[1il]$/i.test(fragment.slice(0, LINK_PREFIX.length))) {
    throw new CryptoError('link_format', 'not a Carnet link');
  }
  let decoded: Uint8Array;
  try {
    decoded = decodeBase32(fragment.slice(LINK_PREFIX.length), KEY_BYTES + LINK_CHECK_BYTES);
  } catch (cause) {
    if (isCryptoError(cause, 'bad_encoding')) throw new CryptoError('link_format', 'malformed link', { cause });
    throw cause;
  }
  const secret = decoded.slice(0, KEY_BYTES);
  const check = decoded.subarray(KEY_BYTES);
  if (!equal(check, linkChecksum(secret))) {
    wipe(secret, decoded);
    throw new CryptoError('link_checksum', 'the link was changed or mistyped');
  }
  wipe(decoded);
  return secret;
}

/** The public link id alone (what a member device needs to match relay answers). */
export function deriveLinkId(secret: Uint8Array): Uint8Array {
  checkSecret(secret);
  const full = kdf(secret, 1, 'CNlnkid_');
  const id = full.slice(0, ID_BYTES);
  wipe(full);
  return id;
}

/** Every key of §4.2 derived from L, each under its own context. */
export function deriveLinkKeys(secret: Uint8Array): LinkKeys {
  checkSecret(secret);
  const boxSeed = kdf(secret, 1, 'CNlnkkey');
  const authSeed = kdf(secret, 1, 'CNlnkaut');
  try {
    const box = boxKeyPair(boxSeed);
    const auth = signKeyPair(authSeed);
    return {
      linkId: deriveLinkId(secret),
      boxPublicKey: box.publicKey,
      boxSecretKey: box.secretKey,
      passcodeVerifierKey: kdf(secret, 1, 'CNlnkpcv'),
      authPublicKey: auth.publicKey,
      authSecretKey: auth.secretKey,
      macKey: kdf(secret, 1, 'CNlnkmac'),
    };
  } finally {
    wipe(boxSeed, authSeed);
  }
}

/**
 * The passcode verifier `V = MAC(PVK, D("carnet/v1/link-passcode") ‖ link_id ‖ utf8(NFC(passcode)))` (§14.2).
 * The relay stores V; without L it has no PVK, so guessing passcodes needs the relay's attempt-capped check.
 * `bad_argument` for a passcode outside 4–64 characters (the UI checks first).
 */
export function passcodeVerifier(keys: Pick<LinkKeys, 'linkId' | 'passcodeVerifierKey'>, passcode: string): Uint8Array {
  const normalised = passcode.normalize('NFC');
  // Characters are code points, as a person counts them (a UTF-16 length would count emoji twice).
  let characters = 0;
  for (const _ of normalised) characters++;
  if (characters < PASSCODE_MIN || characters > PASSCODE_MAX) {
    throw new CryptoError('bad_argument', 'passcode must be 4 to 64 characters');
  }
  // 4 bytes per code point at most, so 64 characters always fit.
  const bytes = utf8(normalised, PASSCODE_MAX * 4);
  try {
    return macWithDomain(keys.passcodeVerifierKey, 'carnet/v1/link-passcode', keys.linkId, bytes);
  } finally {
    wipe(bytes);
  }
}

/** Zero every secret of a {@link LinkKeys} (lock, or the professional's session ending). */
export function wipeLinkKeys(keys: LinkKeys): void {
  wipe(keys.boxSecretKey, keys.passcodeVerifierKey, keys.authSecretKey, keys.macKey);
}

function checkSecret(secret: Uint8Array): void {
  if (secret.length !== KEY_BYTES) throw new CryptoError('bad_argument', 'a link secret is 32 bytes');
}
