/**
 * Index shard ids as the records model sees them (docs/PROTOCOL.md §7.1, §7.7): `P ‖ u32be(c) ‖ u16be(k)` in
 * lowercase hex, P the vault's 10-byte shard prefix. String forms only: the model never needs the bytes, and
 * hex order is byte order, so "the lowest shard id wins" is a string comparison.
 */

/** A shard holds at most this many keys (entries and tombstones) before its creator opens the next one. */
export const SHARD_CAPACITY = 1024;
const PREFIX_HEX = 20;

/** The prefix used by models made without one (unit tests of the model alone); a vault always passes its own. */
export const TEST_SHARD_PREFIX = 'f0'.repeat(10);

export function shardHex(prefixHex: string, creator: number, number: number): string {
  return prefixHex + creator.toString(16).padStart(8, '0') + number.toString(16).padStart(4, '0');
}

export function isShardHex(prefixHex: string, hex: string): boolean {
  return hex.length === 32 && hex.startsWith(prefixHex);
}

export function parseShardHex(hex: string): { creator: number; number: number } {
  return {
    creator: Number.parseInt(hex.slice(PREFIX_HEX, PREFIX_HEX + 8), 16),
    number: Number.parseInt(hex.slice(PREFIX_HEX + 8), 16),
  };
}
