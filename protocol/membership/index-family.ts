// PROTOCOL.md §7.1, §10.6 rule 7: the index family is the vault index's root (`index_id`) and every shard, a
// record whose id starts with the prefix `P` (crypto/index-shard.ts). One rule, shared by the validator (no
// family id in a scope or a deletion), the relay (SYNC expansion, deposits) and devices.
import type { MembershipState } from './membership-state.ts';

/** Hex length of a 16-byte record id. */
const RECORD_ID_HEX = 32;

/** True when `idHex` (lowercase hex of a record id) is the vault's index root or one of its shards. */
export function isIndexFamily(state: Pick<MembershipState, 'indexId' | 'shardPrefix'>, idHex: string): boolean {
  return idHex === state.indexId || (idHex.length === RECORD_ID_HEX && idHex.startsWith(state.shardPrefix));
}
