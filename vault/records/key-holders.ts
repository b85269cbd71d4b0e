/**
 * Which index shards hold each record's key (an entry, a root or a tombstone), and how many keys each shard
 * holds (docs/PROTOCOL.md §7.7). Almost every key is in exactly one shard, so that case costs one map entry;
 * a key in several (two replicas' writes, or a hostile member) keeps a set, and the lowest shard id wins.
 * Sized for 100,000 records: no object per key.
 */
export interface KeyHolders {
  add(key: string, shard: string): void;
  delete(key: string, shard: string): void;
  has(key: string): boolean;
  holds(key: string, shard: string): boolean;
  /** The lowest shard id holding `key`. */
  lowest(key: string): string | undefined;
  /** Keys held by `shard`. */
  count(shard: string): number;
  clear(): void;
}

export function createKeyHolders(): KeyHolders {
  const single = new Map<string, string>();
  const several = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  const bump = (shard: string, by: number): void => {
    counts.set(shard, (counts.get(shard) ?? 0) + by);
  };

  function holds(key: string, shard: string): boolean {
    return several.get(key)?.has(shard) ?? single.get(key) === shard;
  }

  return {
    add(key, shard) {
      if (holds(key, shard)) return;
      bump(shard, 1);
      const one = single.get(key);
      if (one === undefined) {
        single.set(key, shard);
        return;
      }
      let set = several.get(key);
      if (set === undefined) several.set(key, (set = new Set([one])));
      set.add(shard);
      if (shard < one) single.set(key, shard);
    },
    delete(key, shard) {
      if (!holds(key, shard)) return;
      bump(shard, -1);
      const set = several.get(key);
      if (set === undefined) {
        single.delete(key);
        return;
      }
      set.delete(shard);
      let lowest: string | undefined;
      for (const hex of set) if (lowest === undefined || hex < lowest) lowest = hex;
      if (lowest !== undefined) single.set(key, lowest);
      if (set.size === 1) several.delete(key);
    },
    has: (key) => single.has(key),
    holds,
    lowest: (key) => single.get(key),
    count: (shard) => counts.get(shard) ?? 0,
    clear() {
      single.clear();
      several.clear();
      counts.clear();
    },
  };
}
