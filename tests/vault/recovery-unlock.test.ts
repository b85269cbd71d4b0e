// Issue 11, part 3: the vault reads the recovery key as people type it, says which group was mistyped, and
// lets a session opened with the recovery key set a new passphrase without the forgotten one (and only such a
// session: one opened with the passphrase still has to give it).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { isVaultError, type Vault } from '#vault';
import { dumpDatabase, TEST_PASSPHRASE, TEST_RELAY, testAccess, testIdb } from '#tests/helpers/vault-access';
import { seededRandom } from './support.ts';

beforeAll(async () => {
  await ready();
});

const NEW_PASSPHRASE = 'a brand new passphrase for this device';

async function newVault(): Promise<{ access: ReturnType<typeof testAccess>; vault: Vault; key: string }> {
  // Seeded: the same recovery key every run, so the located group below does not hang on a 2^-16 chance.
  const access = testAccess(testIdb(), { random: seededRandom(1111) });
  const { vault, recoveryKit } = await access.access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
  vault.records.create({ category: 'lab-result', title: 'Lipid panel', date: '2026-02-01' });
  await vault.flush();
  vault.lock();
  return { access, vault, key: recoveryKit.recoveryKeyText };
}

/** The printed key as a person types it: no prefix, spaces between groups, lower case. */
const asTyped = (printed: string): string => printed.slice(4).replace(/-/g, ' ').toLowerCase();

describe('unlocking with the recovery key', () => {
  it('accepts the key typed with spaces, lower case and no prefix; a mistyped one names its group and changes nothing', async () => {
    const { access, vault, key } = await newVault();
    const before = await dumpDatabase(access.idb.indexedDB, `carnet-v1-${vault.id}`);
    // Group 3 (characters 10-14 of the symbols) gets one wrong symbol.
    const symbols = key.slice(4).replace(/-/g, '');
    const typo = symbols.slice(0, 12) + (symbols[12] === 'X' ? 'Y' : 'X') + symbols.slice(13);
    const mistyped = await access.access.unlock(vault.id, { recoveryKey: typo }).catch((e: unknown) => e);
    expect(isVaultError(mistyped, 'recovery_key_mistyped')).toBe(true);
    if (!isVaultError(mistyped)) return;
    expect(mistyped.detail).toEqual({ kind: 'checksum', group: 3 });
    const short = await access.access.unlock(vault.id, { recoveryKey: symbols.slice(0, 52) }).catch((e: unknown) => e);
    expect(isVaultError(short) ? short.detail : short).toEqual({
      kind: 'length',
      found: 52,
      expected: 55,
      group: null,
    });
    expect(await dumpDatabase(access.idb.indexedDB, `carnet-v1-${vault.id}`)).toEqual(before);

    const opened = await access.access.unlock(vault.id, { recoveryKey: asTyped(key) });
    expect(opened.unlockedWith).toBe('recovery_key');
    expect(opened.records.list().map((r) => r.title)).toEqual(['Lipid panel']);
    opened.lock();
  });

  it('after the recovery key, sets a new passphrase without the old one; the old one stops working', async () => {
    const { access, vault, key } = await newVault();
    const opened = await access.access.unlock(vault.id, { recoveryKey: asTyped(key) });
    const weak = await opened.changePassphrase(null, 'short').catch((e: unknown) => e);
    expect(isVaultError(weak, 'weak_passphrase')).toBe(true);
    await opened.changePassphrase(null, NEW_PASSPHRASE);
    opened.lock();
    const old = await access.access.unlock(vault.id, { passphrase: TEST_PASSPHRASE }).catch((e: unknown) => e);
    expect(isVaultError(old, 'bad_passphrase')).toBe(true);
    const fresh = await access.access.unlock(vault.id, { passphrase: NEW_PASSPHRASE });
    expect(fresh.unlockedWith).toBe('passphrase');
    expect(fresh.records.list().map((r) => r.title)).toEqual(['Lipid panel']);
    fresh.lock();
    // The kit still opens it, too.
    (await access.access.unlock(vault.id, { recoveryKey: key })).lock();
  });

  it('a session opened with the passphrase cannot set one without giving the current passphrase', async () => {
    const { access, vault } = await newVault();
    const opened = await access.access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    const before = await dumpDatabase(access.idb.indexedDB, `carnet-v1-${vault.id}`);
    const refused = await opened.changePassphrase(null, NEW_PASSPHRASE).catch((e: unknown) => e);
    expect(isVaultError(refused, 'bad_passphrase')).toBe(true);
    expect(await dumpDatabase(access.idb.indexedDB, `carnet-v1-${vault.id}`)).toEqual(before);
    opened.lock();
    (await access.access.unlock(vault.id, { passphrase: TEST_PASSPHRASE })).lock();
  });
});

describe('unlocking a vault this browser no longer has', () => {
  it('answers vault_not_found and leaves no empty database behind', async () => {
    const access = testAccess(testIdb());
    const id = 'ab'.repeat(16);
    const missing = await access.access.unlock(id, { passphrase: TEST_PASSPHRASE }).catch((e: unknown) => e);
    expect(isVaultError(missing, 'vault_not_found')).toBe(true);
    const names = (await access.idb.indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(`carnet-v1-${id}`);
  });
});
