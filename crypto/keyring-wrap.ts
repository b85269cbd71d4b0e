// PROTOCOL.md §8.2: the keyring wrap (type 0x08) seals every epoch secret S_0 … S_E to one device or to the
// recovery principal. Header, head hash and recipient key are in the signed and sealed context, so a wrap
// presented for another recipient, epoch or head fails; each S_e is checked against its logged commitment.
import { ByteReader, concat, equal, list, varint } from './bytes.ts';
import { TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { wipe } from './primitives.ts';
import { epochCommitment } from './record-keys.ts';
import type { MembershipView } from './signed-seal.ts';
import { openSigned, resolveSigner, sealSigned, splitSigned } from './signed-seal.ts';
import type { Rng } from './sodium.ts';

const SPEC = { purpose: 'carnet/v1/seal/keyring', domain: 'carnet/v1/keyring-wrap' } as const;

export interface KeyringWrapHeader {
  epoch: number;
  recipient: number;
  author: number;
  mhead: number;
}

function encodeHeader(h: KeyringWrapHeader): Uint8Array {
  return concat(
    Uint8Array.of(VERSION, TYPE.keyringWrap),
    varint(h.epoch),
    varint(h.recipient),
    varint(h.author),
    varint(h.mhead),
  );
}

/** Read the clear header (what the relay routes on) and its length. */
export function parseKeyringWrapHeader(bytes: Uint8Array): { header: KeyringWrapHeader; length: number } {
  const r = new ByteReader(bytes);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'keyring wrap version');
  if (r.u8() !== TYPE.keyringWrap) throw new CryptoError('unknown_type', 'not a keyring wrap');
  const header = { epoch: r.varint(), recipient: r.varint(), author: r.varint(), mhead: r.varint() };
  return { header, length: r.offset };
}

/** Seal `S_0 … S_E` (keyring.length must be E + 1) to a recipient's box key. */
export function sealKeyringWrap(
  h: KeyringWrapHeader,
  keyring: readonly Uint8Array[],
  keys: { vaultId: Uint8Array; headHash: Uint8Array; recipientBoxPk: Uint8Array; authorSk: Uint8Array; rng?: Rng },
): Uint8Array {
  if (keyring.length !== h.epoch + 1 || keyring.some((s) => s.length !== 32)) {
    throw new CryptoError('bad_argument', 'keyring must hold E + 1 secrets of 32 bytes');
  }
  const header = encodeHeader(h);
  const ctx = concat(keys.vaultId, header, keys.headHash, keys.recipientBoxPk);
  const plain = list(keyring);
  try {
    return sealSigned(SPEC, header, ctx, keys.recipientBoxPk, plain, keys.authorSk, keys.rng);
  } finally {
    wipe(plain);
  }
}

/** The opening device: its own index and box keys, and the epoch commitments `ec_e` from the log. */
export interface KeyringWrapRecipient extends MembershipView {
  self: number;
  boxPk: Uint8Array;
  boxSk: Uint8Array;
  epochCommitment(epoch: number): Uint8Array | undefined;
}

/**
 * Open a keyring wrap: `wrong_context` if the header names another recipient, `bad_epoch` if its epoch is not
 * the epoch at its cited head, `bad_signature`/`decrypt_failed` for any tampering, `bad_body` for a keyring of
 * the wrong size, `bad_commitment` if some `S_e` does not match `ec_e`. Returns the keyring (caller wipes it).
 */
export function openKeyringWrap(bytes: Uint8Array, me: KeyringWrapRecipient): Uint8Array[] {
  const { header: h, length } = parseKeyringWrapHeader(bytes);
  if (h.recipient !== me.self) throw new CryptoError('wrong_context', 'keyring wrap for another recipient');
  const { headHash, authorPk } = resolveSigner(me, h.author, h.mhead);
  if (h.epoch !== me.epochAt(h.mhead)) throw new CryptoError('bad_epoch', 'wrap epoch is not the cited head');
  const ctx = concat(me.vaultId, bytes.subarray(0, length), headHash, me.boxPk);
  const plain = openSigned(SPEC, splitSigned(bytes, length), ctx, authorPk, me.boxPk, me.boxSk);
  const keyring: Uint8Array[] = [];
  try {
    const r = new ByteReader(plain);
    const count = r.varint();
    if (count !== h.epoch + 1) throw new CryptoError('bad_body', 'keyring count is not E + 1');
    for (let e = 0; e < count; e++) keyring.push(r.bytes(32));
    r.end();
    keyring.forEach((secret, e) => {
      const expected = me.epochCommitment(e);
      if (expected === undefined || !equal(epochCommitment(secret, me.vaultId, e), expected)) {
        throw new CryptoError('bad_commitment', 'epoch secret does not match its commitment');
      }
    });
    return keyring;
  } catch (e) {
    wipe(...keyring);
    if (e instanceof CryptoError && e.code === 'bad_encoding')
      throw new CryptoError('bad_body', 'keyring', { cause: e });
    throw e;
  } finally {
    wipe(plain);
  }
}
