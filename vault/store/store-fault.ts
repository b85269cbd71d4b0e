// Which failures are the storage's and which are ours. IndexedDB can refuse a write (quota), abort a
// transaction, or lose its connection (lock, eviction, another tab upgrading); those become a VaultError the UI
// can put in words. Anything else thrown by the store's code is a bug: it is handed on unchanged, never dressed
// up as damaged data (`invalid_doc`, `unreadable_row`), so it is seen for what it is.
import { isVaultError, VaultError } from '../records/vault-error.ts';

/** DOMException and Dexie error names that mean the storage failed, not our code. */
const STORAGE_FAULT_NAMES: ReadonlySet<string> = new Set([
  // The transaction was aborted: by the browser, by a failed request, by a version change.
  'AbortError',
  // The connection is closed or closing: the vault locked, the database was deleted or upgraded elsewhere.
  'DatabaseClosedError',
  'InvalidStateError',
  'VersionChangeError',
  'NoSuchDatabaseError',
  // The browser's storage backend failed (disk error, a corrupted profile), or there is no IndexedDB here.
  'UnknownError',
  'OpenFailedError',
  'MissingAPIError',
  'TimeoutError',
]);

/** The error and what it wraps (DOMException inside Dexie's `inner`, or a `cause`), nearest first. */
function chainOf(error: unknown): { name: string; message: string }[] {
  const out: { name: string; message: string }[] = [];
  let at: unknown = error;
  for (let depth = 0; depth < 5 && typeof at === 'object' && at !== null; depth++) {
    const { name, message, inner, cause } = at as Record<string, unknown>;
    out.push({ name: typeof name === 'string' ? name : '', message: typeof message === 'string' ? message : '' });
    at = inner ?? cause;
  }
  return out;
}

/**
 * The VaultError for a storage fault (`quota_exceeded`, `storage_failed`), or undefined when `error` is not one
 * (then it is a bug, or already a VaultError with another meaning).
 */
export function storageFault(error: unknown): VaultError | undefined {
  if (isVaultError(error)) {
    return isVaultError(error, 'quota_exceeded') || isVaultError(error, 'storage_failed') ? error : undefined;
  }
  const chain = chainOf(error);
  // Browsers name it QuotaExceededError; older ones said so only in the message.
  if (chain.some((e) => /quota/i.test(`${e.name} ${e.message}`))) {
    return new VaultError('quota_exceeded', 'the browser refused to store more', { cause: error });
  }
  const fault = chain.find((e) => STORAGE_FAULT_NAMES.has(e.name));
  if (fault === undefined) return undefined;
  return new VaultError('storage_failed', `IndexedDB: ${fault.name}`, { cause: error });
}

/** What a store operation rejects with: a storage fault as its VaultError, anything else unchanged. */
export const storeError = (error: unknown): unknown => storageFault(error) ?? error;
