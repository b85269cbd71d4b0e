import { ByteReader, concat, U53_MAX, varint } from '#crypto/bytes';
import { PROTOCOL_VERSION } from '../version.ts';

/** A binary frame split into its header (§12.1) and its still-undecoded payload. */
export interface RawFrame {
  version: number;
  type: number;
  rid: number;
  payload: Uint8Array;
}

/** Splits a binary frame; throws CryptoError('bad_encoding') when even the header is malformed. */
export function splitFrame(bytes: Uint8Array): RawFrame {
  const r = new ByteReader(bytes);
  const version = r.u8();
  const type = r.u8();
  const rid = r.varint(U53_MAX);
  return { version, type, rid, payload: r.rest() };
}

/** `version ‖ type ‖ varint rid ‖ payload`. */
export function joinFrame(type: number, rid: number, payload: Uint8Array): Uint8Array {
  return concat(new Uint8Array([PROTOCOL_VERSION, type]), varint(rid, U53_MAX), payload);
}
