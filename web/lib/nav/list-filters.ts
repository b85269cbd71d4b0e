import { CATEGORIES, type Category } from '#vault';

/** The filters of a list of records that live in its address (`?category=…&from=…&to=…`). */
export interface ListFilters {
  category: Category | '';
  /** yyyy-mm-dd, or '' for no bound. */
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters an address asks for; anything unknown or malformed reads as no filter. */
export function readListFilters(url: URL): ListFilters {
  const params = url.searchParams;
  const day = (name: string): string => {
    const value = params.get(name) ?? '';
    return DAY.test(value) ? value : '';
  };
  const category = CATEGORIES.find((candidate) => candidate === params.get('category')) ?? '';
  return { category, from: day('from'), to: day('to') };
}

/**
 * The address (path and query) that shows `filters` on the page at `url`, other parameters kept. With
 * `fixedCategory` the page's own `category` parameter (a category's list) is left as it is.
 *
 * @example
 * listAddress(new URL('https://x/?from=2026-01-01'), { category: 'lab-result', from: '', to: '' }); // '/?category=lab-result'
 */
export function listAddress(url: URL, filters: ListFilters, fixedCategory?: Category): string {
  const next = new URL(url);
  const set = (name: string, value: string): void => {
    if (value === '') next.searchParams.delete(name);
    else next.searchParams.set(name, value);
  };
  if (fixedCategory === undefined) set('category', filters.category);
  set('from', filters.from);
  set('to', filters.to);
  return next.pathname + next.search;
}
