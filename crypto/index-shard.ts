// PROTOCOL.md §7.1, §7.7: the index family. The vault index is a small root (`index_id`) plus shards, ordinary
// records whose ids carry a prefix the relay can compute, the creating device and a number. A device adds new
// records only to its own open shard, so two devices never race to create the same shard and no entry ever
// moves; the prefix lets the relay keep the whole family out of shares, deletions and deposits.
import { equal, u32be } from './bytes.ts';
import { CryptoError } from './crypto-error.ts';
import { hashWithDomain } from './primitives.ts';

/** Bytes of the shard prefix `P`: a random record id carries it with probability 2^-80. */
export const SHARD_PREFIX_BYTES = 10;
/** Largest shard number `k` (u16be). */
export const SHARD_NUMBER_MAX = 0xffff;

/** `P = H(D("carnet/v1/index-shard") ‖ vault_id)[0..10]`. */
export function shardPrefix(vaultId: Uint8Array): Uint8Array {
  if (vaultId.length !== 16) throw new CryptoError('bad_argument', 'vault id must be 16 bytes');
  return hashWithDomain('carnet/v1/index-shard', vaultId).slice(0, SHARD_PREFIX_BYTES);
}

/** `shard_id(c, k) = P ‖ u32be(c) ‖ u16be(k)`: shard `k` of the device whose membership index is `c`. */
export function shardId(prefix: Uint8Array, creator: number, number: number): Uint8Array {
  if (prefix.length !== SHARD_PREFIX_BYTES) throw new CryptoError('bad_argument', 'shard prefix must be 10 bytes');
  if (!Number.isInteger(number) || number < 0 || number > SHARD_NUMBER_MAX) {
    throw new CryptoError('bad_argument', 'shard number out of range');
  }
  const id = new Uint8Array(16);
  id.set(prefix);
  id.set(u32be(creator), SHARD_PREFIX_BYTES);
  id[14] = number >>> 8;
  id[15] = number & 0xff;
  return id;
}

/** True when `recordId` is an index shard of the vault whose prefix is `prefix` (not the root). */
export function isIndexShard(prefix: Uint8Array, recordId: Uint8Array): boolean {
  return recordId.length === 16 && equal(recordId.subarray(0, SHARD_PREFIX_BYTES), prefix);
}

/** The creator and number of a shard id (the caller checked `isIndexShard`). */
export function parseShardId(recordId: Uint8Array): { creator: number; number: number } {
  if (recordId.length !== 16) throw new CryptoError('bad_argument', 'record id must be 16 bytes');
  const view = new DataView(recordId.buffer, recordId.byteOffset, recordId.byteLength);
  return { creator: view.getUint32(SHARD_PREFIX_BYTES), number: view.getUint16(14) };
}
