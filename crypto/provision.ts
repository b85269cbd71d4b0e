// PROTOCOL.md §8.5 and §16.1: the provision (type 0x0A) that hands a new device the vault's coordinates.
// It is not signed: the MAC key comes from the pairing secret in the new device's QR code, which the relay
// never sees; the provider's signature is on the device-add entry the new device validates next.
import { ByteReader, concat, equal, varint, vstr } from './bytes.ts';
import { LIMITS, TYPE, VERSION } from './constants.ts';
import { CryptoError, isCryptoError } from './crypto-error.ts';
import { kdf, macWithDomain, wipe } from './primitives.ts';
import { openSeal, seal } from './seal.ts';
import type { Rng } from './sodium.ts';

const PURPOSE = 'carnet/v1/seal/provision' as const;

/** `pair_id = KDF(P, 1, "CNpairid")[0..16]`, public; `pair_mac_key = KDF(P, 1, "CNpairmc")`, secret. */
export function pairingKeys(pairingSecret: Uint8Array): { pairId: Uint8Array; macKey: Uint8Array } {
  const full = kdf(pairingSecret, 1, 'CNpairid');
  const pairId = full.slice(0, 16);
  wipe(full);
  return { pairId, macKey: kdf(pairingSecret, 1, 'CNpairmc') };
}

export interface Provision {
  vaultId: Uint8Array;
  relayOrigin: string;
  relayPk: Uint8Array;
  h0: Uint8Array;
  headSeq: number;
  headHash: Uint8Array;
  newIndex: number;
  providerIndex: number;
}

function encodeFields(p: Provision): Uint8Array {
  return concat(
    p.vaultId,
    vstr(p.relayOrigin, LIMITS.relayOrigin),
    p.relayPk,
    p.h0,
    varint(p.headSeq),
    p.headHash,
    varint(p.newIndex),
    varint(p.providerIndex),
  );
}

/** `ctx = pair_id ‖ new_sig_pk ‖ new_box_pk`. */
function context(pairId: Uint8Array, newSigPk: Uint8Array, newBoxPk: Uint8Array): Uint8Array {
  return concat(pairId, newSigPk, newBoxPk);
}

/** Provider side: seal the provision to the new device's box key, MACed with the pairing MAC key. */
export function sealProvision(
  p: Provision,
  pairing: { pairingSecret: Uint8Array; newSigPk: Uint8Array; newBoxPk: Uint8Array; rng?: Rng },
): Uint8Array {
  const { pairId, macKey } = pairingKeys(pairing.pairingSecret);
  const ctx = context(pairId, pairing.newSigPk, pairing.newBoxPk);
  const fields = encodeFields(p);
  const plain = concat(fields, macWithDomain(macKey, 'carnet/v1/provision', ctx, fields));
  try {
    return concat(Uint8Array.of(VERSION, TYPE.provision), seal(pairing.newBoxPk, PURPOSE, ctx, plain, pairing.rng));
  } finally {
    wipe(macKey, plain);
  }
}

/** New device side: open and check the MAC (`bad_signature` when it fails: a relay cannot have made it). */
export function openProvision(
  bytes: Uint8Array,
  me: { pairingSecret: Uint8Array; sigPk: Uint8Array; boxPk: Uint8Array; boxSk: Uint8Array },
): Provision {
  const r = new ByteReader(bytes);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'provision version');
  if (r.u8() !== TYPE.provision) throw new CryptoError('unknown_type', 'not a provision');
  if (r.remaining < 48) throw new CryptoError('bad_encoding', 'provision too short');
  const sealed = r.rest();
  const { pairId, macKey } = pairingKeys(me.pairingSecret);
  const ctx = context(pairId, me.sigPk, me.boxPk);
  let plain: Uint8Array | undefined;
  try {
    plain = openSeal(me.boxPk, me.boxSk, PURPOSE, ctx, sealed);
    if (plain.length < 32) throw new CryptoError('bad_body', 'provision too short');
    const fields = plain.subarray(0, plain.length - 32);
    if (!equal(macWithDomain(macKey, 'carnet/v1/provision', ctx, fields), plain.subarray(plain.length - 32))) {
      throw new CryptoError('bad_signature', 'provision MAC');
    }
    const f = new ByteReader(fields);
    const p: Provision = {
      vaultId: f.bytes(16),
      relayOrigin: f.vstr(LIMITS.relayOrigin),
      relayPk: f.bytes(32),
      h0: f.bytes(32),
      headSeq: f.varint(),
      headHash: f.bytes(32),
      newIndex: f.varint(),
      providerIndex: f.varint(),
    };
    f.end();
    return p;
  } catch (e) {
    if (isCryptoError(e, 'bad_encoding')) throw new CryptoError('bad_body', 'provision body', { cause: e });
    throw e;
  } finally {
    wipe(macKey, plain);
  }
}
