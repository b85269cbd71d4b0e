// Issue 6: bad input through the real screens. Files over the limit, of a type not allowed (an .exe, an .html),
// a truncated PDF, a cut PNG and a PNG whose pixels cannot be decoded are each refused with a clear message,
// and nothing is stored (the record shows no file; the `blobs` and `blobState` stores stay empty). A wrong
// passphrase and a wrong recovery key at unlock say so and change nothing in IndexedDB. A row of the record
// tampered with in IndexedDB while locked is reported by the integrity banner after unlock, and the change it
// carried is not shown.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addRecord,
  createVault,
  dumpIndexedDb,
  lockFromHeader,
  openRecordFromOverview,
  PASSPHRASE,
  pinEnglish,
  refusedOnPick,
  submitUnlock,
  undecodablePng,
  unlock,
  UNLOCK_TIMEOUT,
  vaultStore,
  waitUntilSaved,
  type DatabaseDump,
} from './support/vault-ui.ts';

test.use({ locale: 'en-US' });

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments');
/** LIMITS.attachmentBytes in vault/records/limits.ts. */
const LIMIT_BYTES = 100_000_000;

const TOO_LARGE = 'scan-too-large.pdf';
const MESSAGES = {
  tooLarge: 'This file is over 100 MB, the most one file can be. Choose a smaller file, or scan fewer pages.',
  type: 'Carnet accepts PDF files, pictures (PNG, JPEG, WebP, GIF, SVG) and text files. Save this file in one of these, then add it again.',
  corrupt:
    'This file looks damaged: it could not be read as the kind of file it claims to be. Open it on your device to check it, then add it again.',
  badPassphrase: 'That passphrase is not right. Check it and try again, or use your recovery key.',
  badRecoveryKey: 'That recovery key is not right for this record. Check each group against your kit and try again.',
  integrity: 'Some stored data failed its integrity check and was not used',
};

const TITLE = 'Cardiology consultation';
const NOTE_BEFORE = 'Blood pressure 12/8, no change.';
const NOTE_TAMPERED = 'Blood pressure 16/10: start treatment.';

/** The rows of the record in the `envelopes` store: [primary key, record id] pairs, in key order. */
function envelopeIds(dump: DatabaseDump[], recordId: string): number[] {
  const store = vaultStore(dump, 'envelopes');
  return store.values.flatMap((value, index) => {
    const row = value as { recordId?: unknown };
    const key = store.keys[index];
    return row.recordId === recordId && typeof key === 'number' ? [key] : [];
  });
}

/** Flips one byte in the middle of the `bytes` of an `envelopes` row, through the IndexedDB API of the page. */
async function flipByte(page: Page, dbName: string, key: number): Promise<{ at: number; length: number }> {
  return page.evaluate(
    async ([name, rowKey]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      });
      try {
        const store = db.transaction('envelopes', 'readwrite').objectStore('envelopes');
        const row = await new Promise<{ bytes: Uint8Array }>((resolve, reject) => {
          const request = store.get(rowKey);
          request.onsuccess = () => resolve(request.result as { bytes: Uint8Array });
          request.onerror = () => reject(request.error ?? new Error('get failed'));
        });
        const at = Math.floor(row.bytes.length / 2);
        const bytes = row.bytes.slice();
        bytes[at] = (bytes[at] ?? 0) ^ 0x01;
        await new Promise<void>((resolve, reject) => {
          const request = store.put({ ...row, bytes });
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error ?? new Error('put failed'));
        });
        return { at, length: bytes.length };
      } finally {
        db.close();
      }
    },
    [dbName, key] as const,
  );
}

test('bad files are refused and nothing is stored; wrong secrets change nothing; a tampered row is reported', async ({
  context,
  page,
}) => {
  test.setTimeout(360_000);
  await pinEnglish(context);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'carnet-bad-input-'));
  try {
    // 100 MB and one byte, as a sparse file: nothing is written to disk, and the app must refuse it before
    // reading it (the vault checks the size first).
    const tooLarge = path.join(scratch, TOO_LARGE);
    writeFileSync(tooLarge, '%PDF-1.7\n');
    truncateSync(tooLarge, LIMIT_BYTES + 1);

    await page.goto('/');
    const kit = await createVault(page);
    const refused: [string, string, Parameters<typeof addRecord>[1]['files']][] = [
      [TOO_LARGE, MESSAGES.tooLarge, [tooLarge]],
      [
        'setup.exe',
        MESSAGES.type,
        [
          {
            name: 'setup.exe',
            mimeType: 'application/x-msdownload',
            buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00PE\x00\x00', 'latin1'),
          },
        ],
      ],
      [
        'page.html',
        MESSAGES.type,
        [
          {
            name: 'page.html',
            mimeType: 'text/html',
            buffer: Buffer.from('<!doctype html><html><body><script>window.__pwned=1</script></body></html>'),
          },
        ],
      ],
      ['truncated.pdf', MESSAGES.corrupt, [path.join(FIXTURES, 'truncated.pdf')]],
      ['cut.png', MESSAGES.corrupt, [path.join(FIXTURES, 'cut.png')]],
      [
        'undecodable.png',
        MESSAGES.corrupt,
        [{ name: 'undecodable.png', mimeType: 'image/png', buffer: undecodablePng() }],
      ],
    ];

    // All six picked at once for one record: each is refused on its own, with its own message, as it is
    // picked (before the record is saved).
    const recordId = await addRecord(page, {
      category: 'Medical report',
      title: TITLE,
      date: '2026-02-10',
      note: NOTE_BEFORE,
      files: refused.flatMap(([, , files]) => files ?? []),
      async onPicked(form) {
        for (const [name, message] of refused) {
          const alert = await refusedOnPick(form, name);
          await expect(alert).toContainText(message);
          console.log(`${name}: "${(await alert.innerText()).replace(/\s+/g, ' ')}"`);
        }
      },
    });
    await expect(page.getByText('No files in this record.')).toBeVisible();
    await expect(page.getByRole('figure')).toHaveCount(0);
    await waitUntilSaved(page);
    const afterFiles = await dumpIndexedDb(page);
    expect(vaultStore(afterFiles, 'blobs').keys, 'rows of the blobs store').toEqual([]);
    expect(vaultStore(afterFiles, 'blobState').keys, 'rows of the blobState store').toEqual([]);

    // Wrong passphrase, then wrong recovery key: each is said, and IndexedDB is exactly as before.
    await lockFromHeader(page);
    const before = await dumpIndexedDb(page);
    await submitUnlock(page, { passphrase: `${PASSPHRASE} x` });
    await expect(page.getByText(MESSAGES.badPassphrase)).toBeVisible({ timeout: UNLOCK_TIMEOUT });
    await expect(page.getByLabel('Passphrase', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('heading', { level: 1, name: 'Unlock Carnet' })).toBeVisible();
    // A key of the right form, checksum included, that is not this vault's: the test vector's (R = 66…).
    const wrongKey = 'CR1-CSK6C-SK6CS-K6CSK-6CSK6-CSK6C-SK6CS-K6CSK-6CSK6-CSK6C-SK6CS-K07D0';
    expect(wrongKey).not.toBe(kit.recoveryKey);
    await submitUnlock(page, { recoveryKey: wrongKey });
    await expect(page.getByText(MESSAGES.badRecoveryKey)).toBeVisible({ timeout: UNLOCK_TIMEOUT });
    await expect(page.getByLabel('Recovery key')).toHaveAttribute('aria-invalid', 'true');
    expect(await dumpIndexedDb(page), 'IndexedDB after the wrong passphrase and the wrong key').toEqual(before);

    // An edit of the note, then a byte of its row flipped while locked (unlocking returns to the record).
    await unlock(page, { passphrase: PASSPHRASE }, TITLE);
    // Already on the record: going through the overview again raced with this page (its title matched at once).
    const rowsBefore = envelopeIds(await dumpIndexedDb(page), recordId);
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page).toHaveURL(/\/edit$/);
    await page.getByLabel('Note', { exact: true }).fill(NOTE_TAMPERED);
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await expect(page.getByRole('region', { name: 'Note' })).toContainText(NOTE_TAMPERED);
    await waitUntilSaved(page);
    const rowsAfter = envelopeIds(await dumpIndexedDb(page), recordId);
    console.log(`envelopes rows of the record: ${rowsBefore.join(',')} before the edit, ${rowsAfter.join(',')} after`);
    expect(rowsAfter.length).toBeGreaterThan(rowsBefore.length);
    await lockFromHeader(page);
    const dump = await dumpIndexedDb(page);
    const vaultDb = dump.find((db) => /^carnet-v1-[0-9a-f]{32}$/.test(db.name))?.name ?? '';
    const last = Math.max(...envelopeIds(dump, recordId));
    const flipped = await flipByte(page, vaultDb, last);
    console.log(`flipped byte ${flipped.at} of ${flipped.length} in envelopes row ${last}`);

    await unlock(page, { passphrase: PASSPHRASE }, TITLE);
    const banner = page.getByRole('alert').filter({ hasText: MESSAGES.integrity });
    await expect(banner).toBeVisible({ timeout: UNLOCK_TIMEOUT });
    await openRecordFromOverview(page, TITLE);
    await expect(page.getByRole('region', { name: 'Note' })).toContainText(NOTE_BEFORE);
    await expect(page.locator('body')).not.toContainText(NOTE_TAMPERED);
    await expect(banner).toBeVisible();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
