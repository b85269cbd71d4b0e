// PROTOCOL.md §18.7: derived rows (type 0x32), the device-local catalogue and search index. Sealed under XK, a
// key of their own: they are disposable (rebuilt from the envelopes, never trusted beyond their stamps), so a
// separate key and AD domain keep them from ever being read as an LSK row. Table and primary key are in the
// associated data, so a page moved to another key, table or vault fails to open instead of being used. The
// body is framed like a SnapshotBody (deflate when smaller, Padmé padding), so a page's size says little.
import { ByteReader, concat, vbytes, vstr } from './bytes.ts';
import { TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { adWithDomain, aeadDecrypt, aeadEncrypt, kdf } from './primitives.ts';
import { frameBody, unframeBody } from './snapshot-body.ts';
import type { Rng } from './sodium.ts';
import { systemRng } from './sodium.ts';

const TABLE_MAX = 64;
const KEY_MAX = 256;

/** `XK = KDF(DSK, 1, "CNderivd")`. */
export function derivedKey(deviceStorageKey: Uint8Array): Uint8Array {
  return kdf(deviceStorageKey, 1, 'CNderivd');
}

export interface DerivedRowPlace {
  vaultId: Uint8Array;
  table: string;
  primaryKey: Uint8Array;
}

function ad(where: DerivedRowPlace): Uint8Array {
  if (where.primaryKey.length > KEY_MAX) throw new CryptoError('bad_argument', 'primary key over 256 bytes');
  return adWithDomain('carnet/v1/ad/derived', where.vaultId, vstr(where.table, TABLE_MAX), vbytes(where.primaryKey));
}

/** `0x01 ‖ 0x32 ‖ nonce ‖ AEAD(XK, nonce, frame(raw), D("carnet/v1/ad/derived") ‖ vault_id ‖ vstr table ‖ vbytes key)`. */
export function sealDerivedRow(
  xk: Uint8Array,
  where: DerivedRowPlace,
  raw: Uint8Array,
  rng: Rng = systemRng,
): Uint8Array {
  const nonce = rng(24);
  const c = aeadEncrypt(xk, nonce, frameBody(raw), ad(where));
  return concat(Uint8Array.of(VERSION, TYPE.derived), nonce, c);
}

/** The raw bytes of a derived row; `decrypt_failed` when tampered or moved, `bad_body`/`bad_padding` for framing. */
export function openDerivedRow(xk: Uint8Array, where: DerivedRowPlace, row: Uint8Array): Uint8Array {
  const r = new ByteReader(row);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'derived row version');
  if (r.u8() !== TYPE.derived) throw new CryptoError('unknown_type', 'not a derived row');
  const nonce = r.bytes(24);
  if (r.remaining < 16) throw new CryptoError('bad_encoding', 'derived row too short');
  return unframeBody(aeadDecrypt(xk, nonce, r.rest(), ad(where)));
}
