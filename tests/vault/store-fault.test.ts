import { describe, expect, it } from 'vitest';
import { VaultError } from '#vault';
import { storageFault, storeError } from '#vault/store/store-fault';
import { openVaultDb } from '#vault/store/vault-db';
import { testIdb } from '#tests/helpers/vault-access';

const codeOf = (error: unknown): string | undefined => storageFault(error)?.code;

describe(storageFault.name, () => {
  it('names what the browser throws when its storage fails', () => {
    expect(codeOf(new DOMException('full', 'QuotaExceededError'))).toBe('quota_exceeded');
    for (const name of ['AbortError', 'InvalidStateError', 'UnknownError', 'TimeoutError']) {
      expect(codeOf(new DOMException('x', name)), name).toBe('storage_failed');
    }
    // Older browsers said quota only in the message.
    expect(codeOf(new Error('NS_ERROR_DOM_QUOTA_REACHED'))).toBe('quota_exceeded');
  });

  it('looks inside what Dexie wraps: an aborted transaction whose cause was the quota is the quota', () => {
    const dexieAbort = Object.assign(new Error('Transaction aborted'), {
      name: 'AbortError',
      inner: new DOMException('full', 'QuotaExceededError'),
    });
    expect(codeOf(dexieAbort)).toBe('quota_exceeded');
    expect(storageFault(dexieAbort)?.cause).toBe(dexieAbort);
  });

  it('reads a real closed database as storage_failed', async () => {
    const db = openVaultDb('00'.repeat(16), testIdb());
    await db.open();
    db.close();
    const error = await db.envelopes.toArray().catch((e: unknown) => e);
    expect((error as Error).name).toBe('DatabaseClosedError');
    expect(codeOf(error)).toBe('storage_failed');
  });

  it('leaves bugs and other vault errors alone', () => {
    const typeError = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(storageFault(typeError)).toBeUndefined();
    expect(storeError(typeError)).toBe(typeError);
    expect(storageFault(new RangeError('offset out of bounds'))).toBeUndefined();
    expect(storageFault(new DOMException('bad key', 'DataError'))).toBeUndefined();
    expect(storageFault(new VaultError('tampered_row', 'x'))).toBeUndefined();
    const already = new VaultError('storage_failed', 'x');
    expect(storageFault(already)).toBe(already);
    expect(storageFault('a string')).toBeUndefined();
  });
});
