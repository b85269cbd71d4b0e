// PROTOCOL.md §18.3: local rows (type 0x31) under LSK. The table name and primary key are in the associated
// data, so a row copied under another key or into another table fails to open instead of being applied.
import { ByteReader, concat, vbytes, vstr } from './bytes.ts';
import { TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import { adWithDomain, aeadDecrypt, aeadEncrypt } from './primitives.ts';
import type { Rng } from './sodium.ts';
import { systemRng } from './sodium.ts';

/** Bytes a local row adds to its value: 2 + nonce 24 + tag 16. */
export const LOCAL_ROW_OVERHEAD = 42;
const TABLE_MAX = 64;
const KEY_MAX = 256;

function ad(vaultId: Uint8Array, table: string, primaryKey: Uint8Array): Uint8Array {
  if (primaryKey.length > KEY_MAX) throw new CryptoError('bad_argument', 'primary key over 256 bytes');
  return adWithDomain('carnet/v1/ad/local', vaultId, vstr(table, TABLE_MAX), vbytes(primaryKey));
}

/** `0x01 ‖ 0x31 ‖ nonce ‖ AEAD(LSK, nonce, value, D("carnet/v1/ad/local") ‖ vault_id ‖ vstr table ‖ vbytes key)`. */
export function sealLocalRow(
  lsk: Uint8Array,
  where: { vaultId: Uint8Array; table: string; primaryKey: Uint8Array },
  value: Uint8Array,
  rng: Rng = systemRng,
): Uint8Array {
  const nonce = rng(24);
  const c = aeadEncrypt(lsk, nonce, value, ad(where.vaultId, where.table, where.primaryKey));
  return concat(Uint8Array.of(VERSION, TYPE.local), nonce, c);
}

/** Open a local row; `decrypt_failed` for a tampered row or one moved to another table or key. */
export function openLocalRow(
  lsk: Uint8Array,
  where: { vaultId: Uint8Array; table: string; primaryKey: Uint8Array },
  row: Uint8Array,
): Uint8Array {
  const r = new ByteReader(row);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'local row version');
  if (r.u8() !== TYPE.local) throw new CryptoError('unknown_type', 'not a local row');
  const nonce = r.bytes(24);
  if (r.remaining < 16) throw new CryptoError('bad_encoding', 'local row too short');
  return aeadDecrypt(lsk, nonce, r.rest(), ad(where.vaultId, where.table, where.primaryKey));
}
