import { tokenise } from './normalise-text.ts';

/**
 * An in-memory inverted index over decrypted record text (never persisted: docs/PROTOCOL.md §18.1).
 *
 * - `postings`: token -> ids of the records containing it; `tokensOf`: id -> its token set, so a changed record
 *   is re-indexed by diffing old and new sets (incremental: cost proportional to that record only).
 * - A query is tokenised like the text; every query token must match (AND), as a **prefix** of some token of
 *   the record, so results appear while typing. Prefixes are found by binary search in a sorted vocabulary,
 *   rebuilt lazily on the first query after the vocabulary changed.
 * - `set` only notes the texts; they are tokenised by `indexPending` (the vault calls it in slices once every
 *   record is loaded) or by the next query. Opening a vault of 10,000 records thus shows the overview without
 *   first tokenising every title, and a record loaded in full replaces its index entry's texts before they
 *   were ever tokenised.
 */
export interface SearchIndex {
  /** Replaces the text indexed for `id`. */
  set(id: string, texts: readonly string[]): void;
  remove(id: string): void;
  /** Ids of the records matching every token of `query`; `undefined` when the query has no token. */
  query(query: string): Set<string> | undefined;
  /** Tokenises up to `max` records noted by `set`; returns how many are still waiting. */
  indexPending(max: number): number;
  readonly size: number;
  clear(): void;
}

export function createSearchIndex(): SearchIndex {
  const postings = new Map<string, Set<string>>();
  const tokensOf = new Map<string, Set<string>>();
  const pending = new Map<string, readonly string[]>();
  let vocabulary: string[] = [];
  let vocabularyDirty = false;

  function unlink(id: string, token: string): void {
    const ids = postings.get(token);
    if (ids === undefined) return;
    ids.delete(id);
    if (ids.size === 0) {
      postings.delete(token);
      vocabularyDirty = true;
    }
  }

  function index(id: string, texts: readonly string[]): void {
    const next = new Set<string>();
    for (const text of texts) for (const token of tokenise(text)) next.add(token);
    const previous = tokensOf.get(id) ?? new Set<string>();
    for (const token of previous) if (!next.has(token)) unlink(id, token);
    for (const token of next) {
      if (previous.has(token)) continue;
      let ids = postings.get(token);
      if (ids === undefined) {
        ids = new Set();
        postings.set(token, ids);
        vocabularyDirty = true;
      }
      ids.add(id);
    }
    tokensOf.set(id, next);
  }

  function indexPending(max: number): number {
    for (const [id, texts] of pending) {
      if (max <= 0) break;
      pending.delete(id);
      index(id, texts);
      max -= 1;
    }
    return pending.size;
  }

  function remove(id: string): void {
    pending.delete(id);
    const previous = tokensOf.get(id);
    if (previous === undefined) return;
    for (const token of previous) unlink(id, token);
    tokensOf.delete(id);
  }

  function sortedVocabulary(): string[] {
    if (vocabularyDirty) {
      vocabulary = [...postings.keys()].sort();
      vocabularyDirty = false;
    }
    return vocabulary;
  }

  /** Every record id holding a token that starts with `prefix`. */
  function prefixMatches(prefix: string): Set<string> {
    const words = sortedVocabulary();
    let low = 0;
    let high = words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((words[middle] ?? '') < prefix) low = middle + 1;
      else high = middle;
    }
    const found = new Set<string>();
    for (let index = low; index < words.length; index++) {
      const word = words[index] ?? '';
      if (!word.startsWith(prefix)) break;
      for (const id of postings.get(word) ?? []) found.add(id);
    }
    return found;
  }

  function query(text: string): Set<string> | undefined {
    indexPending(Infinity);
    const tokens = [...new Set(tokenise(text))];
    if (tokens.length === 0) return undefined;
    // Longest tokens first: they usually match least, which keeps the intersections small.
    tokens.sort((a, b) => b.length - a.length);
    let result: Set<string> | undefined;
    for (const token of tokens) {
      const matches = prefixMatches(token);
      if (result === undefined) result = matches;
      else for (const id of result) if (!matches.has(id)) result.delete(id);
      if (result.size === 0) break;
    }
    return result;
  }

  return {
    set(id, texts) {
      pending.set(id, texts);
    },
    remove,
    query,
    indexPending,
    get size() {
      let waiting = 0;
      for (const id of pending.keys()) if (!tokensOf.has(id)) waiting += 1;
      return tokensOf.size + waiting;
    },
    clear() {
      pending.clear();
      postings.clear();
      tokensOf.clear();
      vocabulary = [];
      vocabularyDirty = false;
    },
  };
}
