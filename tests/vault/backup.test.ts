// PROTOCOL.md §18.6: a backup restores every record, field and file into another browser as a new device, and a
// damaged, foreign or wrongly keyed file is refused with IndexedDB left exactly as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { KDF_FLOOR, deriveKek, parseBackupHeader, ready, recoveryKeyText, toHex } from '#crypto';
import { isVaultError, type BackupFile, type Vault } from '#vault';
import { restoreBackup } from '#vault/backup/restore-backup';
import { dumpDatabase, TEST_PASSPHRASE, TEST_RELAY, testAccess, testIdb } from '#tests/helpers/vault-access';
import { fixture, inputFile, readAll, textBytes } from './attachments-support.ts';
import { seededRandom } from './support.ts';

beforeAll(async () => {
  await ready();
});

const NEW_PASSPHRASE = 'a brand new passphrase for this browser';
const KNOWN = ['Bilan lipidique de mars', 'Cholestérol LDL', 'à jeun depuis la veille'];

function fileOf(bytes: Uint8Array): BackupFile {
  const blob = new Blob([new Uint8Array(bytes)]);
  return { size: bytes.length, stream: () => blob.stream(), slice: (start, end) => blob.slice(start, end) };
}

async function seeded(): Promise<{
  vault: Vault;
  recoveryKey: string;
  ids: string[];
  idb: ReturnType<typeof testIdb>;
}> {
  const { idb, access } = testAccess();
  const { vault, recoveryKit } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
  const lab = vault.records.create({ category: 'lab-result', title: KNOWN[0] ?? '', date: '2026-03-12' });
  vault.records.addObservation(lab.id, { name: KNOWN[1] ?? '', value: '1.72', unit: 'g/L', low: 0, high: 1.6 });
  vault.records.setNote(lab.id, KNOWN[2] ?? '');
  const report = vault.records.create({ category: 'medical-report', title: 'Compte rendu', date: '2026-04-01' });
  await vault.attachments.add(report.id, inputFile(fixture('report.pdf'), 'report.pdf', 'application/pdf'));
  await vault.attachments.add(report.id, inputFile(textBytes(300_000), 'notes.txt', 'text/plain'));
  const gone = vault.records.create({ category: 'other', title: 'Deleted later', date: '2026-01-01' });
  await vault.flush();
  vault.records.remove(gone.id);
  await vault.flush();
  return { vault, recoveryKey: recoveryKit.recoveryKeyText, ids: [lab.id, report.id], idb };
}

async function contents(vault: Vault): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const entry of vault.records.list()) {
    const record = await vault.loadRecord(entry.id);
    const files = [];
    for (const file of record.attachments)
      files.push(toHex(await readAll(vault.attachments.open(record.id, file.fileId))));
    out.push({ record, files });
  }
  return out;
}

async function everyDatabase(idb: ReturnType<typeof testIdb>): Promise<string> {
  const names = (await idb.indexedDB.databases()).map((d) => d.name ?? '').sort();
  const dumps = [];
  for (const name of names) dumps.push([name, [...(await dumpDatabase(idb.indexedDB, name)).entries()]]);
  return JSON.stringify(dumps, (_key, value: unknown) => (value instanceof Uint8Array ? toHex(value) : value));
}

describe('backup and restore (§18.6)', () => {
  it('restores every record, field and file into another browser as a new device with a new passphrase', async () => {
    const { vault, recoveryKey } = await seeded();
    const before = await contents(vault);
    const bytes = await readAll(vault.backup());
    expect(vault.settings().lastBackupAt).toBeTypeOf('number');
    const header = parseBackupHeader(bytes);
    expect(toHex(header.vaultId)).toBe(vault.id);

    const other = testAccess();
    // As people type it back: lower case is read the same.
    const restored = await other.access.restore({
      backup: fileOf(bytes),
      recoveryKey: recoveryKey.toLowerCase(),
      passphrase: NEW_PASSPHRASE,
    });
    expect(restored.id).toBe(vault.id);
    expect(await contents(restored)).toEqual(before);
    expect(restored.problems()).toEqual([]);

    // A new device: its own edits carry its own index, and the restored passphrase opens it again.
    const lab = restored.records.list().find((entry) => entry.title === KNOWN[0]);
    expect(lab).toBeDefined();
    restored.records.setNote(lab?.id ?? '', 'edited after the restore');
    await restored.flush();
    const log = await dumpDatabase(other.idb.indexedDB, `carnet-v1-${vault.id}`);
    const envelopes = (log.get('envelopes') ?? []).filter(
      (row): row is { author: number } => typeof row === 'object' && row !== null && 'author' in row,
    );
    expect(new Set(envelopes.map((row) => row.author))).toEqual(new Set([2, 3]));
    restored.lock();
    const reopened = await testAccess(other.idb).access.unlock(vault.id, { passphrase: NEW_PASSPHRASE });
    expect((await reopened.loadRecord(lab?.id ?? '')).note).toBe('edited after the restore');
    reopened.lock();
    // The recovery key still opens the restored keystore (its recovery seal is to the same kit).
    const viaKit = await testAccess(other.idb).access.unlock(vault.id, { recoveryKey });
    expect(viaKit.records.list().length).toBe(2);
    viaKit.lock();
    vault.lock();
  });

  it('holds no known string of the record in the file', async () => {
    const { vault } = await seeded();
    const bytes = Buffer.from(await readAll(vault.backup()));
    for (const text of [...KNOWN, 'report.pdf', 'notes.txt', 'Hemoglobine glyquee']) {
      const utf8 = Buffer.from(text, 'utf8');
      expect(bytes.includes(utf8), text).toBe(false);
      expect(bytes.includes(Buffer.from(text, 'utf16le')), text).toBe(false);
      expect(bytes.includes(Buffer.from(utf8.toString('base64').replace(/=+$/, ''))), text).toBe(false);
    }
    vault.lock();
  });

  it('refuses a foreign file, another kit, and a vault this browser already holds, changing nothing', async () => {
    const { vault, recoveryKey, idb } = await seeded();
    const bytes = await readAll(vault.backup());
    const other = testAccess();
    // A browser where the app has loaded once: the first screen listed its vaults (and created nothing).
    await other.access.list();
    const untouched = await everyDatabase(other.idb);
    const attempt = (backup: BackupFile, key = recoveryKey) =>
      other.access.restore({ backup, recoveryKey: key, passphrase: NEW_PASSPHRASE });
    await expect(attempt(fileOf(fixture('report.pdf')))).rejects.toThrow(/backup_foreign/);
    await expect(attempt(fileOf(new Uint8Array(10)))).rejects.toThrow(/backup_foreign/);
    await expect(attempt(fileOf(bytes.slice(0, 100)))).rejects.toThrow(/backup_damaged/);
    const anotherKit = recoveryKeyText(new Uint8Array(32).fill(7));
    await expect(attempt(fileOf(bytes), anotherKit)).rejects.toThrow(/backup_wrong_key/);
    await expect(attempt(fileOf(bytes), 'CR1-not-a-key')).rejects.toThrow(/recovery_key_mistyped/);
    expect(await everyDatabase(other.idb)).toBe(untouched);
    // The browser that wrote it still holds the vault: a restore there is refused, its data untouched.
    vault.lock();
    const home = await everyDatabase(idb);
    await expect(
      testAccess(idb).access.restore({ backup: fileOf(bytes), recoveryKey, passphrase: NEW_PASSPHRASE }),
    ).rejects.toThrow(/backup_vault_exists/);
    expect(await everyDatabase(idb)).toBe(home);
  });

  it('refuses every flipped position of a backup and leaves IndexedDB unchanged (seeded, with a control)', async () => {
    const seed = Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 0x7fffffff));
    const flips = process.env.CARNET_LONG === '1' ? 5000 : 1000;
    const { vault, recoveryKey } = await seeded();
    const bytes = await readAll(vault.backup());
    vault.lock();
    const random = seededRandom(seed);
    const kek = {
      kek: deriveKek(NEW_PASSPHRASE, new Uint8Array(16), KDF_FLOOR),
      salt: new Uint8Array(16),
      params: KDF_FLOOR,
    };
    const target = testIdb();
    const deps = { idb: target, clock: { now: () => Date.UTC(2026, 11, 7) }, random, kek };
    await testAccess(target).access.list();
    const untouched = await everyDatabase(target);
    // Every byte of the clear header and the sealed key, then positions spread over the whole file.
    const positions = [...Array.from({ length: 170 }, (_, i) => i)];
    while (positions.length < flips) {
      const r = random.bytes(4);
      positions.push((((r[0] ?? 0) << 24) | ((r[1] ?? 0) << 16) | ((r[2] ?? 0) << 8) | (r[3] ?? 0)) >>> 0);
    }
    const accepted: number[] = [];
    for (const [i, raw] of positions.entries()) {
      const at = raw % bytes.length;
      const flipped = bytes.slice();
      flipped[at] = (flipped[at] ?? 0) ^ (1 << (i % 8));
      try {
        const restored = await restoreBackup(deps, { backup: fileOf(flipped), recoveryKey });
        restored.db.close();
        accepted.push(at);
        break;
      } catch (error) {
        if (!isVaultError(error))
          throw new Error(`seed ${String(seed)}: flip at ${String(at)} threw ${String(error)}`, { cause: error });
        expect(['backup_foreign', 'backup_damaged', 'backup_wrong_key']).toContain(error.code);
      }
    }
    expect(accepted, `seed ${String(seed)}: flipped backups accepted at these offsets`).toEqual([]);
    expect(await everyDatabase(target), `seed ${String(seed)}`).toBe(untouched);
    // The control: the untouched file restores in the same browser.
    const control = await restoreBackup(deps, { backup: fileOf(bytes), recoveryKey });
    expect(control.vaultId).toEqual(parseBackupHeader(bytes).vaultId);
    control.db.close();
  }, 300_000);
});
