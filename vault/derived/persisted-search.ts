import { invalid } from './derived-bytes.ts';
import type { DecodedTermPage, RecordTableRow, SearchDelta, SearchHeader } from './search-format.ts';
import { queryTokens } from './search-terms.ts';

/**
 * Search over one decoded generation of the persisted index plus its delta rows (docs/design/index-at-scale.md
 * §4.1–4.3). A record's entry is its delta if there is one, else its table row; a record matches when every
 * query token is a prefix of one of its terms. Prefixes are looked up in the sorted term pages (binary search
 * over the pages' first terms, then within the page), never by scanning the vocabulary.
 *
 * @example
 * const search = openPersistedSearch({ header, tables, pages, deltas });
 * const ids = search.query('écho 5,4', (id) => !loaded.has(id) && !stale.has(id) && live.has(id));
 */
export interface PersistedSearch {
  /**
   * Ids of the records, among those `among` accepts, matching every token of `text`; undefined when the
   * query has no token. The caller's `among` leaves out records it answers itself (loaded, stale, deleted).
   */
  query(text: string, among: (id: string) => boolean): Set<string> | undefined;
  /** The src of the record's entry (delta, else table row); undefined when the index does not hold it. */
  srcOf(id: string): number | undefined;
  /** Every record the index holds an entry for (table rows and deltas). */
  indexedIds(): Set<string>;
  /** The terms of the record's entry ([] for no text). Walks every page: for checks, not for queries. */
  termsOf(id: string): string[] | undefined;
  /** Every entry with its terms (table rows overridden by deltas): the input of the next generation's merge. */
  records(): Map<string, { src: number; terms: string[] }>;
}

const WHAT = 'search index';

export function openPersistedSearch(parts: {
  header: SearchHeader;
  tables: readonly (readonly RecordTableRow[])[];
  pages: readonly DecodedTermPage[];
  deltas: ReadonlyMap<string, SearchDelta>;
}): PersistedSearch {
  const { header, pages, deltas } = parts;
  if (parts.tables.length !== header.tableHashes.length) throw invalid(WHAT, 'table rows missing or extra');
  const rows = parts.tables.flat();
  const ids = rows.map((row) => row.id);
  for (let i = 1; i < ids.length; i++) {
    if (!((ids[i - 1] ?? '') < (ids[i] ?? ''))) throw invalid(WHAT, 'table ids not sorted across rows');
  }
  const firstTerms = header.firstTerms;
  if (pages.length !== firstTerms.length) throw invalid(WHAT, 'term pages missing or extra');
  pages.forEach((page, p) => {
    const first = page.terms[0];
    const last = page.terms[page.terms.length - 1];
    const next = firstTerms[p + 1];
    if (first !== firstTerms[p] || last === undefined || (next !== undefined && !(last < next))) {
      throw invalid(WHAT, 'term pages out of order or not the header’s');
    }
    if (page.postings.length !== page.terms.length) throw invalid(WHAT, 'a term without postings');
    for (const postings of page.postings) {
      if ((postings[postings.length - 1] ?? 0) >= ids.length) throw invalid(WHAT, 'a posting past the table');
    }
  });

  function ordinalOf(id: string): number | undefined {
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((ids[middle] ?? '') < id) low = middle + 1;
      else high = middle;
    }
    return ids[low] === id ? low : undefined;
  }

  /** Calls `visit` with the postings of every term starting with `prefix`, in term order. */
  function eachTermWithPrefix(prefix: string, visit: (postings: Uint32Array) => void): void {
    // The last page whose first term is ≤ prefix: every term before it is < prefix.
    let low = 0;
    let high = firstTerms.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((firstTerms[middle] ?? '') <= prefix) low = middle + 1;
      else high = middle;
    }
    for (let p = Math.max(0, low - 1); p < pages.length; p++) {
      const page = pages[p];
      if (page === undefined) return;
      let at = p === low - 1 ? lowerBound(page.terms, prefix) : 0;
      for (; at < page.terms.length; at++) {
        if (!(page.terms[at] ?? '').startsWith(prefix)) return;
        const postings = page.postings[at];
        if (postings !== undefined) visit(postings);
      }
    }
  }

  function query(text: string, among: (id: string) => boolean): Set<string> | undefined {
    const tokens = queryTokens(text);
    if (tokens.length === 0) return undefined;
    const found = new Set<string>();
    // hits[ordinal] = how many tokens in a row matched; a record matches when it reaches tokens.length.
    const hits = new Uint32Array(ids.length);
    for (let t = 0; t < tokens.length; t++) {
      let advanced = 0;
      eachTermWithPrefix(tokens[t] ?? '', (postings) => {
        for (const ordinal of postings) {
          if (hits[ordinal] === t) {
            hits[ordinal] = t + 1;
            advanced += 1;
          }
        }
      });
      if (advanced === 0) break;
    }
    hits.forEach((count, ordinal) => {
      const id = ids[ordinal];
      if (count === tokens.length && id !== undefined && !deltas.has(id) && among(id)) found.add(id);
    });
    for (const [id, delta] of deltas) {
      const terms = delta.terms;
      if (terms === undefined) continue;
      if (tokens.every((token) => (terms[lowerBound(terms, token)] ?? '').startsWith(token)) && among(id)) {
        found.add(id);
      }
    }
    return found;
  }

  function records(): Map<string, { src: number; terms: string[] }> {
    const termsByOrdinal = ids.map((): string[] => []);
    for (const page of pages) {
      page.terms.forEach((term, i) => {
        for (const ordinal of page.postings[i] ?? []) termsByOrdinal[ordinal]?.push(term);
      });
    }
    const out = new Map<string, { src: number; terms: string[] }>();
    rows.forEach((row, ordinal) => {
      if (!deltas.has(row.id)) out.set(row.id, { src: row.src, terms: termsByOrdinal[ordinal] ?? [] });
    });
    for (const [id, delta] of deltas) out.set(id, { src: delta.src, terms: delta.terms ?? [] });
    return out;
  }

  return {
    query,
    srcOf(id) {
      const delta = deltas.get(id);
      if (delta !== undefined) return delta.src;
      const ordinal = ordinalOf(id);
      return ordinal === undefined ? undefined : rows[ordinal]?.src;
    },
    indexedIds() {
      return new Set([...ids, ...deltas.keys()]);
    },
    termsOf(id) {
      const delta = deltas.get(id);
      if (delta !== undefined) return delta.terms ?? [];
      const ordinal = ordinalOf(id);
      if (ordinal === undefined) return undefined;
      const terms: string[] = [];
      for (const page of pages) {
        page.terms.forEach((term, i) => {
          if (page.postings[i]?.includes(ordinal) === true) terms.push(term);
        });
      }
      return terms;
    },
    records,
  };
}

/** First index of `sorted` whose item is ≥ `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? '') < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
