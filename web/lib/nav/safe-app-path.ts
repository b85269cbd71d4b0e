/** Any origin will do: a relative path resolved against it must stay on it. */
const PROBE_ORIGIN = 'https://carnet.invalid';
/** Longer than any address of the app (a record id is 32 characters). */
const MAX_LENGTH = 2048;

/**
 * The app page a remembered or given place points to, as a same-origin path with its query, or undefined when it
 * is anything else: an absolute URL, a protocol-relative `//host`, a backslash (`/\host`, which browsers read as
 * `//host`), control characters or white space, or not a string at all. Guards every place the app navigates to
 * from storage, so that a value planted there cannot send the patient to another site (an open redirect).
 *
 * @example
 * safeAppPath('/records/0a1b?x=1'); // '/records/0a1b?x=1'
 * safeAppPath('//evil.example');    // undefined
 */
export function safeAppPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || value.startsWith('//')) return undefined;
  // URL parsing strips tabs and new lines and reads "\" as "/": refuse them rather than guess what was meant.
  if (/[\\\s\p{Cc}]/u.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE_ORIGIN) return undefined;
  return url.pathname + url.search;
}
