// PROTOCOL.md §7.1, §7.7: the ids of the index family.
import { beforeAll, describe, expect, it } from 'vitest';
import { indexId, isIndexShard, parseShardId, ready, SHARD_PREFIX_BYTES, shardId, shardPrefix, toHex } from '#crypto';
import { codeOf, fill } from './support.ts';

beforeAll(async () => {
  await ready();
});

describe('index shard ids', () => {
  it("shard ids carry the vault's index prefix, the creator and the number", () => {
    const vaultA = fill(0xa1, 16);
    const vaultB = fill(0xb2, 16);
    const prefixA = shardPrefix(vaultA);
    expect(prefixA).toHaveLength(SHARD_PREFIX_BYTES);
    expect(toHex(prefixA)).not.toBe(toHex(shardPrefix(vaultB)));
    // The prefix is not the start of index_id: the root and the shards are told apart by the relay.
    expect(toHex(indexId(vaultA)).startsWith(toHex(prefixA))).toBe(false);

    const id = shardId(prefixA, 70000, 3);
    expect(toHex(id)).toBe(`${toHex(prefixA)}000111700003`);
    expect(parseShardId(id)).toEqual({ creator: 70000, number: 3 });
    expect(isIndexShard(prefixA, id)).toBe(true);
    expect(isIndexShard(shardPrefix(vaultB), id)).toBe(false);
    expect(isIndexShard(prefixA, indexId(vaultA))).toBe(false);
    expect(isIndexShard(prefixA, fill(0x00, 16))).toBe(false);

    // Every (creator, number) gives its own id.
    const seen = new Set<string>();
    for (const creator of [0, 1, 2, 0xffff_ffff])
      for (const n of [0, 1, 0xffff]) seen.add(toHex(shardId(prefixA, creator, n)));
    expect(seen.size).toBe(12);

    expect(codeOf(() => shardId(prefixA, 1, 0x1_0000))).toBe('bad_argument');
    expect(codeOf(() => shardId(prefixA, 1, -1))).toBe('bad_argument');
    expect(codeOf(() => shardId(prefixA.subarray(1), 1, 0))).toBe('bad_argument');
    expect(codeOf(() => shardPrefix(fill(1, 15)))).toBe('bad_argument');
  });
});
