/** Where the patient left a list of records: its address, the words they searched for, and how far down they were. */
export interface ListPlaceEntry {
  /** Path and query: the category and period filters live in the address, shareable and kept over a reload. */
  readonly path: string;
  /** The search text and the author filter are the patient's own words: kept here, in memory, never in an address. */
  readonly query: string;
  readonly author: string;
  /** Whether the filters panel was unfolded: the list's height, and so the scroll, depends on it. */
  readonly filtersOpen: boolean;
  readonly scrollY: number;
}

/**
 * The last list of records the patient left (the overview, a category, the personal space), so that a record's
 * "Back" link and the browser's back button return to it as it was. In memory only: a reload or a lock (which
 * replaces the page) forgets the search words, and nothing of them reaches history, storage or the address.
 */
class ListPlace {
  #last: ListPlaceEntry | undefined;
  #returning = false;

  /** A list page is being left. */
  leave(entry: ListPlaceEntry): void {
    this.#last = entry;
    this.#returning = false;
  }

  /** Where a "Back" link goes: the list left last, or `fallback` when none was seen since the page loaded. */
  backHref(fallback: string): string {
    return this.#last?.path ?? fallback;
  }

  /** The "Back" link was followed: the list it leads to takes its place back. */
  goingBack(): void {
    this.#returning = this.#last !== undefined;
  }

  /**
   * The list at `path` has been reached: its place when the patient came back to it (the browser's back button,
   * or a "Back" link), otherwise undefined (a new visit starts afresh).
   */
  arrive(path: string, byHistory: boolean): ListPlaceEntry | undefined {
    const back = this.#returning || byHistory;
    this.#returning = false;
    return back && this.#last?.path === path ? this.#last : undefined;
  }
}

export const listPlace = new ListPlace();
