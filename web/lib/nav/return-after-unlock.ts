import { safeAppPath } from './safe-app-path.ts';

/**
 * Where the patient was when the vault locked, so that unlocking brings them back there. Kept in
 * sessionStorage (this tab only, gone when the tab closes) as the page's path and query only, such as
 * `/records/<id>` or `/?category=lab-result`: nothing of a record's content. A record id is 16 random bytes
 * and says nothing about the record; the app's queries hold only a category and dates (the overview keeps the
 * patient's search words in memory, never in the address). Read back through safeAppPath, so a planted value
 * cannot lead off the app.
 */
const KEY = 'carnet-return-after-unlock';

/** Remembers `path` for the next unlock in this tab; the overview or an unsafe path clears it. */
export function rememberReturnPath(path: string, storage: Storage | undefined = sessionStorageOrNone()): void {
  const safe = safeAppPath(path);
  try {
    if (safe === undefined || safe === '/') storage?.removeItem(KEY);
    else storage?.setItem(KEY, safe);
  } catch {
    // Storage refused (private mode, quota): unlocking then lands on the overview, as before.
  }
}

/** The remembered path, left in place, or undefined when there is none or it is not a safe app path. */
export function peekReturnPath(storage: Storage | undefined = sessionStorageOrNone()): string | undefined {
  try {
    const safe = safeAppPath(storage?.getItem(KEY));
    return safe === '/' ? undefined : safe;
  } catch {
    return undefined;
  }
}

/** The remembered path, once (it is cleared), or undefined when there is none or it is not a safe app path. */
export function takeReturnPath(storage: Storage | undefined = sessionStorageOrNone()): string | undefined {
  try {
    const stored = storage?.getItem(KEY);
    storage?.removeItem(KEY);
    const safe = safeAppPath(stored);
    return safe === '/' ? undefined : safe;
  } catch {
    return undefined;
  }
}

function sessionStorageOrNone(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}
