import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { isVaultError, type Vault } from '#vault';
import { dumpDatabase, TEST_PASSPHRASE, TEST_RELAY, testAccess, testIdb } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});

const KNOWN = ['Bilan sanguin secret', 'Hémoglobine glyquée', 'note très privée', '6.1'];

async function seed(vault: Vault): Promise<string> {
  const lab = vault.records.create({ category: 'lab-result', title: KNOWN[0] ?? '', date: '2024-03-05' });
  vault.records.addObservation(lab.id, { name: KNOWN[1] ?? '', value: KNOWN[3] ?? '', unit: '%' });
  vault.records.setNote(lab.id, KNOWN[2] ?? '');
  await vault.flush();
  return lab.id;
}

function encodings(text: string): Uint8Array[] {
  const utf8 = new TextEncoder().encode(text);
  const utf16 = new Uint8Array(Uint16Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).buffer);
  const b64 = new TextEncoder().encode(Buffer.from(utf8).toString('base64').replace(/=+$/, ''));
  return [utf8, utf16, b64];
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).includes(Buffer.from(needle));
}

function flatten(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (typeof value === 'string') out.push(new TextEncoder().encode(value));
  else if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) flatten(v, out);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(new TextEncoder().encode(String(value)));
  return out;
}

describe('vault store on fake-indexeddb', () => {
  it('creates, saves, locks and unlocks with the passphrase and with the recovery key', async () => {
    const { idb, access } = testAccess();
    const { vault, recoveryKit } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const id = await seed(vault);
    expect(vault.saveState().pending).toBe(0);
    expect(vault.saveState().lastSavedAt).not.toBeNull();
    vault.lock();
    expect(() => vault.records.list()).toThrow(/model_destroyed/);

    const again = testAccess(idb).access;
    expect((await again.list()).map((v) => v.id)).toEqual([vault.id]);
    const reopened = await again.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    const record = await reopened.loadRecord(id);
    expect(record.title).toBe(KNOWN[0]);
    expect(record.note).toBe(KNOWN[2]);
    expect(record.observations[0]?.value).toBe('6.1');
    reopened.lock();

    const viaKit = await again.unlock(vault.id, { recoveryKey: recoveryKit.recoveryKeyText });
    expect((await viaKit.loadRecord(id)).title).toBe(KNOWN[0]);
    viaKit.lock();
  });

  it('a wrong passphrase or recovery key says so and changes nothing', async () => {
    const { idb, access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    await seed(vault);
    vault.lock();
    const before = await dumpDatabase(idb.indexedDB, `carnet-v1-${vault.id}`);
    const wrong = await access.unlock(vault.id, { passphrase: 'not the passphrase at all' }).catch((e: unknown) => e);
    expect(isVaultError(wrong, 'bad_passphrase')).toBe(true);
    const other = testAccess().access;
    const otherVault = await other.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    otherVault.vault.lock();
    const wrongKit = await access
      .unlock(vault.id, { recoveryKey: otherVault.recoveryKit.recoveryKeyText })
      .catch((e: unknown) => e);
    expect(isVaultError(wrongKit, 'bad_recovery_key')).toBe(true);
    const garbage = await access.unlock(vault.id, { recoveryKey: 'hello' }).catch((e: unknown) => e);
    expect(isVaultError(garbage, 'recovery_key_mistyped')).toBe(true);
    const after = await dumpDatabase(idb.indexedDB, `carnet-v1-${vault.id}`);
    expect(after).toEqual(before);
  });

  it('stores nothing readable: no known string in any store, in UTF-8, UTF-16 or base64', async () => {
    const { idb, access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    await seed(vault);
    await vault.updateSettings({ autoLockMinutes: 7 });
    const scan = async () => {
      const dump = await dumpDatabase(idb.indexedDB, `carnet-v1-${vault.id}`);
      const values = [...dump.values()].flatMap((rows) => flatten(rows));
      expect(values.length).toBeGreaterThan(5);
      for (const text of KNOWN.slice(0, 3)) {
        for (const needle of encodings(text)) {
          for (const value of values) expect(contains(value, needle), `${text} found at rest`).toBe(false);
        }
      }
    };
    await scan();
    // Control: the scan does find a string that is there (the relay origin is public, in the genesis entry).
    const dump = await dumpDatabase(idb.indexedDB, `carnet-v1-${vault.id}`);
    const all = [...dump.values()].flatMap((rows) => flatten(rows));
    expect(all.some((v) => contains(v, new TextEncoder().encode('relay.carnet.example')))).toBe(true);
    vault.lock();
    await scan();
  });

  it('changes the passphrase: the old one stops working, the new one opens everything', async () => {
    const { access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const id = await seed(vault);
    const wrong = await vault.changePassphrase('wrong wrong wrong', 'a new long passphrase').catch((e: unknown) => e);
    expect(isVaultError(wrong, 'bad_passphrase')).toBe(true);
    await vault.changePassphrase(TEST_PASSPHRASE, 'a new long passphrase');
    vault.lock();
    const old = await access.unlock(vault.id, { passphrase: TEST_PASSPHRASE }).catch((e: unknown) => e);
    expect(isVaultError(old, 'bad_passphrase')).toBe(true);
    const fresh = await access.unlock(vault.id, { passphrase: 'a new long passphrase' });
    expect((await fresh.loadRecord(id)).title).toBe(KNOWN[0]);
    fresh.lock();
  });

  it('refuses a weak passphrase and a malformed relay before creating anything', async () => {
    const idb = testIdb();
    const { access } = testAccess(idb);
    const weak = await access.create({ passphrase: 'short', relay: TEST_RELAY }).catch((e: unknown) => e);
    expect(isVaultError(weak, 'weak_passphrase')).toBe(true);
    const relay = await access
      .create({ passphrase: TEST_PASSPHRASE, relay: { origin: 'javascript:alert(1)', publicKeyHex: 'zz' } })
      .catch((e: unknown) => e);
    expect(isVaultError(relay, 'invalid_relay')).toBe(true);
    expect(await access.list()).toEqual([]);
  });

  it('keeps settings sealed and reads them back', async () => {
    const { idb, access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    expect(vault.settings().autoLockMinutes).toBe(5);
    await vault.updateSettings({ autoLockMinutes: 15 });
    await expect(vault.updateSettings({ autoLockMinutes: 0 })).rejects.toThrow();
    vault.lock();
    const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect(again.settings().autoLockMinutes).toBe(15);
    again.lock();
  });
});
