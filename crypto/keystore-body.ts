// PROTOCOL.md §18.2: the plaintext of the keystore: this device's seeds, the relay it pins, its verified heads
// (its anti-rollback anchor) and the keyring S_0 … S_E.
import { ByteReader, concat, list, varint, vstr } from './bytes.ts';
import { LIMITS } from './constants.ts';

export interface KeystoreBody {
  deviceIndex: number;
  sigSeed: Uint8Array;
  boxSeed: Uint8Array;
  relayOrigin: string;
  relayPk: Uint8Array;
  h0: Uint8Array;
  memberHeadSeq: number;
  memberHeadHash: Uint8Array;
  accessHeadSeq: number;
  accessHeadHash: Uint8Array;
  keyring: Uint8Array[];
}

export function encodeKeystoreBody(b: KeystoreBody): Uint8Array {
  return concat(
    varint(b.deviceIndex),
    b.sigSeed,
    b.boxSeed,
    vstr(b.relayOrigin, LIMITS.relayOrigin),
    b.relayPk,
    b.h0,
    varint(b.memberHeadSeq),
    b.memberHeadHash,
    varint(b.accessHeadSeq),
    b.accessHeadHash,
    list(b.keyring),
  );
}

export function decodeKeystoreBody(bytes: Uint8Array): KeystoreBody {
  const r = new ByteReader(bytes);
  const body: KeystoreBody = {
    deviceIndex: r.varint(),
    sigSeed: r.bytes(32),
    boxSeed: r.bytes(32),
    relayOrigin: r.vstr(LIMITS.relayOrigin),
    relayPk: r.bytes(32),
    h0: r.bytes(32),
    memberHeadSeq: r.varint(),
    memberHeadHash: r.bytes(32),
    accessHeadSeq: r.varint(),
    accessHeadHash: r.bytes(32),
    keyring: [],
  };
  const count = r.varint();
  for (let i = 0; i < count; i++) body.keyring.push(r.bytes(32));
  r.end();
  return body;
}
