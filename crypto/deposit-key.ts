// PROTOCOL.md §8.4: the deposit key (type 0x04): K_dep sealed to the epoch's inbox key, bound to the record
// it opens, so it cannot be replayed into another record (THREAT_MODEL P20).
import { ByteReader, concat, varint } from './bytes.ts';
import { TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';
import type { MembershipView } from './signed-seal.ts';
import { openSigned, resolveSigner, sealSigned, splitSigned } from './signed-seal.ts';
import type { Rng } from './sodium.ts';

const SPEC = { purpose: 'carnet/v1/seal/deposit-key', domain: 'carnet/v1/deposit-key' } as const;

/** Clear header of a deposit key; with one-byte varints the whole object is 149 bytes. */
export interface DepositKeyHeader {
  author: number;
  epoch: number;
  mhead: number;
}

function context(
  vaultId: Uint8Array,
  recordId: Uint8Array,
  header: Uint8Array,
  headHash: Uint8Array,
  inboxPk: Uint8Array,
): Uint8Array {
  if (recordId.length !== 16) throw new CryptoError('bad_argument', 'record id must be 16 bytes');
  return concat(vaultId, recordId, header, headHash, inboxPk);
}

export function sealDepositKey(
  h: DepositKeyHeader,
  depositKey: Uint8Array,
  keys: {
    vaultId: Uint8Array;
    recordId: Uint8Array;
    headHash: Uint8Array;
    inboxPk: Uint8Array;
    authorSk: Uint8Array;
    rng?: Rng;
  },
): Uint8Array {
  if (depositKey.length !== 32) throw new CryptoError('bad_argument', 'deposit key must be 32 bytes');
  const header = concat(Uint8Array.of(VERSION, TYPE.depositKey), varint(h.author), varint(h.epoch), varint(h.mhead));
  const ctx = context(keys.vaultId, keys.recordId, header, keys.headHash, keys.inboxPk);
  return sealSigned(SPEC, header, ctx, keys.inboxPk, depositKey, keys.authorSk, keys.rng);
}

/**
 * Open a deposit key for `recordId` with the inbox key pair of the header's epoch. `bad_epoch` if that epoch is
 * not the one at the cited head; a deposit key presented for another record fails its signature.
 */
export function openDepositKey(
  bytes: Uint8Array,
  recordId: Uint8Array,
  view: MembershipView & { inbox(epoch: number): { publicKey: Uint8Array; secretKey: Uint8Array } | undefined },
): { header: DepositKeyHeader; depositKey: Uint8Array } {
  const r = new ByteReader(bytes);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'deposit key version');
  if (r.u8() !== TYPE.depositKey) throw new CryptoError('unknown_type', 'not a deposit key');
  const header = { author: r.varint(), epoch: r.varint(), mhead: r.varint() };
  const length = r.offset;
  const parts = splitSigned(bytes, length);
  if (parts.sealed.length !== 32 + 48) throw new CryptoError('bad_encoding', 'deposit key length');
  const { headHash, authorPk } = resolveSigner(view, header.author, header.mhead);
  if (header.epoch !== view.epochAt(header.mhead))
    throw new CryptoError('bad_epoch', 'inbox epoch is not the cited head');
  const inbox = view.inbox(header.epoch);
  if (inbox === undefined) throw new CryptoError('unknown_epoch', 'no inbox key for this epoch');
  const ctx = context(view.vaultId, recordId, bytes.subarray(0, length), headHash, inbox.publicKey);
  const depositKey = openSigned(SPEC, parts, ctx, authorPk, inbox.publicKey, inbox.secretKey);
  return { header, depositKey };
}
