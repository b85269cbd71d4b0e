/**
 * A Map bounded to `max` entries that evicts the least recently used one it may (issue 12: the relay's vault
 * and record caches grew without end, 40,000 records pinning 44 MiB). `evictable` says whether an entry may go
 * now (a vault with live sessions may not); entries that may not stay, so the map can exceed `max` only by
 * those. Map keeps insertion order: a hit re-inserts the key at the end.
 */
export class LruMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;
  readonly #evictable: (value: V) => boolean;

  constructor(max: number, evictable: (value: V) => boolean = () => true) {
    this.#max = max;
    this.#evictable = evictable;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size <= this.#max) return;
    for (const [k, v] of this.#map) {
      if (this.#map.size <= this.#max) break;
      if (k !== key && this.#evictable(v)) this.#map.delete(k);
    }
  }

  /** Values, least recently used first (no reordering). */
  values(): IterableIterator<V> {
    return this.#map.values();
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }
}
