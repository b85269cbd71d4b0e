// Issue 6: the whole journey offline, through the real screens of the built app served by the real relay.
// A first visit online installs the service worker and keeps the relay's descriptor; then, with no network,
// a vault is created (the recovery kit read from the screen), three records with files are added (a lab
// result with a lab value, a medical report with a PDF, a personal-space photo taken with "Take a photo"), the
// app is reloaded from the service worker, locked, and unlocked with the recovery key; everything is there.
//
// "Take a photo" is an <input type=file accept=image/* capture=environment>: headless Chromium has no OS camera
// picker to drive, so the test takes a real frame from Chromium's fake camera in the page (getUserMedia →
// canvas → PNG), clicks "Take a photo", and gives that PNG to the file chooser the button opened.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunch } from '../../playwright.config.ts';
import {
  addRecord,
  CREATE_TIMEOUT,
  createVault,
  findEncodings,
  goToSection,
  lockFromHeader,
  openRecordFromOverview,
  PASSPHRASE,
  PERSONAL_SPACE,
  photoFromFakeCamera,
  pinEnglish,
  unlock,
  UNLOCK_TIMEOUT,
  waitForUpload,
  waitUntilSaved,
} from './support/vault-ui.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments');
/** The text report.pdf shows (tests/fixtures/attachments/make-fixtures.mjs). */
const NEW_PASSPHRASE = 'copper meadow lantern seventeen orbit';
const REPORT_TEXT = 'Hémoglobine glyquée 6.1 pourcent';

const LAB = {
  category: 'Lab result',
  title: 'Glycated haemoglobin',
  date: '2026-03-05',
  author: 'Dr Anne Martin',
  organisation: 'Laboratoire Central',
  tags: 'diabetes, yearly check-up',
  note: 'Fasting sample, 8 am.',
  observations: [{ name: 'HbA1c', value: '6.4', unit: '%', low: '4', high: '6' }],
  files: [path.join(FIXTURES, 'square.png')],
};
const REPORT = {
  category: 'Medical report',
  title: 'Diabetology letter',
  date: '2026-03-12',
  author: 'Dr Paul Girard',
  organisation: 'Hôpital Nord',
  level: 'Shared one by one' as const,
  note: 'Follow-up in six months.',
  files: [path.join(FIXTURES, 'report.pdf')],
};
const PHOTO_NAME = 'rash-photo.png';
const PERSONAL = {
  category: PERSONAL_SPACE,
  title: 'Rash on the left arm',
  date: '2026-03-14',
  level: 'Never shared' as const,
  note: 'Itchy since Tuesday.',
};

test.use({
  locale: 'en-US',
  permissions: ['camera'],
  launchOptions: {
    ...chromiumLaunch,
    args: [...chromiumLaunch.args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  },
});

/** Whether the relay's descriptor is kept for offline use (service-worker cache or the app's own copy). */
async function descriptorKept(page: Page): Promise<{ swCache: boolean; localStorage: boolean }> {
  return page.evaluate(async () => {
    const cache = await caches.open('carnet-relay-descriptor');
    const cached = await cache.match('/.well-known/carnet-relay.json');
    return { swCache: cached !== undefined, localStorage: localStorage.getItem('carnet-relay') !== null };
  });
}

/** Checks one record's page: fields, lab values, files shown. */
async function checkRecordPage(page: Page, which: 'lab' | 'report' | 'personal'): Promise<void> {
  const article = page.getByRole('article');
  if (which === 'lab') {
    await expect(article.getByText('Dr Anne Martin', { exact: true })).toBeVisible();
    await expect(article.getByText('Laboratoire Central', { exact: true })).toBeVisible();
    await expect(article.locator('time[datetime="2026-03-05"]')).toHaveText(/March.*2026/);
    await expect(article.getByRole('listitem').filter({ hasText: /^diabetes$/ })).toBeVisible();
    await expect(article.getByRole('listitem').filter({ hasText: /^yearly check-up$/ })).toBeVisible();
    await expect(article.getByText(LAB.note, { exact: true })).toBeVisible();
    const table = article.getByRole('table', { name: 'Lab values' });
    const row = table.getByRole('row', { name: /HbA1c/ });
    await expect(row.getByRole('rowheader')).toHaveText('HbA1c');
    // The flag has a column of its own on a wide screen and sits under the value on a phone: read what shows.
    await expect(row.getByRole('cell').nth(0)).toHaveText(/^6\.4 %/, { useInnerText: true });
    await expect(row.getByRole('cell').nth(1)).toHaveText('4 to 6');
    await expect(row).toContainText('↑ High', { useInnerText: true });
    await expectImageShown(page, 'square.png', 16);
    await expect(page.getByRole('figure', { name: /^square\.png/ })).toContainText('87 bytes');
  } else if (which === 'report') {
    await expect(article.getByText('Dr Paul Girard', { exact: true })).toBeVisible();
    await expect(article.getByText('Hôpital Nord', { exact: true })).toBeVisible();
    await expect(article.getByText('Who can see it: Shared one by one', { exact: true })).toBeVisible();
    await expect(article.getByText(REPORT.note, { exact: true })).toBeVisible();
    const viewer = page.locator('figure').filter({ has: page.getByText('report.pdf', { exact: true }) });
    const firstPage = viewer.getByRole('region', { name: 'Page 1 of 1' });
    await expect(firstPage).toContainText(REPORT_TEXT, { timeout: 30_000 });
    // Drawn, not blank: some pixels of the canvas are dark.
    const inked = await firstPage.locator('canvas').evaluate((element) => {
      const canvas = element as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; data !== undefined && i < data.length; i += 4) if ((data[i] ?? 255) < 128) count++;
      return count;
    });
    expect(inked).toBeGreaterThan(100);
    await expect(viewer.getByRole('button', { name: /^Download the original.*report\.pdf$/ })).toBeVisible();
    await expect(viewer).toContainText('704 bytes');
  } else {
    await expect(article.getByText('Personal space', { exact: true }).first()).toBeVisible();
    await expect(article.getByText('Who can see it: Never shared', { exact: true })).toBeVisible();
    await expect(article.getByText(PERSONAL.note, { exact: true })).toBeVisible();
    await expectImageShown(page, PHOTO_NAME, 640);
  }
}

/** The attachment's <img> (its alt is the file name) has loaded and has the expected width in pixels. */
async function expectImageShown(page: Page, name: string, naturalWidth: number): Promise<void> {
  const image = page.getByRole('img', { name, exact: true });
  await expect(image).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(naturalWidth);
}

test('the whole journey offline: create, three records with files, reload, lock, unlock with the recovery key', async ({
  context,
  page,
}, testInfo) => {
  test.setTimeout(420_000);
  await pinEnglish(context);
  const started = Date.now();
  let last = started;
  const phases: string[] = [];
  const phase = (name: string): void => {
    const now = Date.now();
    phases.push(`${name} ${((now - last) / 1000).toFixed(1)} s`);
    last = now;
  };
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));

  // 1. First visit, online: the service worker installs and takes control; the relay's descriptor is kept.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible({
    timeout: 30_000,
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  await expect(page.getByText('Carnet now works without a network.')).toBeVisible();
  await expect.poll(async () => Object.values(await descriptorKept(page)).some(Boolean)).toBe(true);
  phase('first visit online');
  console.log('relay descriptor kept after the first visit:', JSON.stringify(await descriptorKept(page)));

  // 2. No network from here on (the page and the service worker alike).
  await context.setOffline(true);
  expect(
    await page.evaluate(() =>
      fetch('/healthz').then(
        () => 'reached',
        () => 'failed',
      ),
    ),
  ).toBe('failed');
  const photo = await photoFromFakeCamera(page);
  expect(photo.subarray(1, 4).toString('latin1')).toBe('PNG');
  console.log(`camera frame: ${photo.length} bytes of PNG`);

  phase('offline, camera frame');

  // 3. Onboarding, offline.
  const kit = await createVault(page, PASSPHRASE);
  expect(kit.recoveryKey.replace(/[\s-]/g, '').length).toBeGreaterThanOrEqual(26);
  console.log(`recovery kit read from the page: key of ${kit.recoveryKey.length} characters, vault ${kit.vaultId}`);
  await expect(page.getByRole('status', { name: 'Save status' })).toContainText('Offline');

  phase('create the vault');

  // 4. Three records with files.
  await addRecord(page, LAB);
  await waitForUpload(page, 'square.png', 'added');
  await addRecord(page, REPORT);
  await waitForUpload(page, 'report.pdf', 'added');
  await addRecord(page, {
    ...PERSONAL,
    photo: { name: PHOTO_NAME, mimeType: 'image/png', buffer: photo },
  });
  await waitForUpload(page, PHOTO_NAME, 'added');
  await checkRecordPage(page, 'personal');
  await waitUntilSaved(page);
  phase('three records with files');

  // 5. Reload with no network: the app comes back from the service worker, locked.
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  // Back on the record the page showed (issue 11), then to the overview.
  await unlock(page, { passphrase: PASSPHRASE }, PERSONAL.title);
  await goToSection(page, 'Overview');
  await expect(page.getByRole('link', { name: LAB.title, exact: true })).toBeVisible();
  phase('reload offline, unlock with the passphrase');

  // 6. Lock, then unlock with the recovery key as printed on the kit.
  await lockFromHeader(page);
  await unlock(page, { recoveryKey: kit.recoveryKey });
  await expect(page.getByRole('status').filter({ hasText: /^Records: / })).toHaveText('Records: 3', {
    timeout: UNLOCK_TIMEOUT,
  });

  phase('lock, unlock with the recovery key');

  // 7. Everything is there: fields, the lab value, the image, the PDF drawn and its text, the photo.
  const shots: string[] = [];
  const shoot = async (name: string): Promise<void> => {
    const file = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  };
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot('phone-overview');
  await openRecordFromOverview(page, LAB.title);
  await checkRecordPage(page, 'lab');
  await shoot('phone-record-lab');
  await openRecordFromOverview(page, REPORT.title);
  await checkRecordPage(page, 'report');
  await shoot('phone-record-report');
  await goToSection(page, PERSONAL_SPACE);
  await page.getByRole('link', { name: PERSONAL.title, exact: true }).click();
  await checkRecordPage(page, 'personal');
  await shoot('phone-record-photo');

  await page.setViewportSize({ width: 1280, height: 800 });
  await goToSection(page, 'Overview');
  await shoot('desktop-overview');
  await openRecordFromOverview(page, REPORT.title);
  await checkRecordPage(page, 'report');
  await shoot('desktop-record-report');
  await openRecordFromOverview(page, LAB.title);
  await checkRecordPage(page, 'lab');
  await shoot('desktop-record-lab');
  phase('check every record, screenshots');

  // 8. A backup (issue 11): saved from Settings, still offline; it holds nothing readable.
  await goToSection(page, 'Settings');
  await expect(page.getByTestId('backup-status')).toHaveText('You have not saved a backup from this browser yet.');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save a backup' }).click();
  const download = await downloading;
  const backupPath = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(backupPath);
  expect(download.suggestedFilename()).toMatch(/^carnet-backup-\d{4}-\d{2}-\d{2}\.carnet$/);
  await expect(page.getByTestId('backup-status')).toContainText('Last backup:');
  const backup = await fs.readFile(backupPath);
  const leaks = [LAB.title, REPORT.title, PERSONAL.title, REPORT_TEXT, 'HbA1c', 'square.png', PHOTO_NAME].flatMap(
    (text) => findEncodings([backup], text),
  );
  expect(leaks).toEqual([]);
  await shoot('desktop-settings-backup');
  phase(`backup saved (${String(backup.length)} bytes)`);

  // 9. The browser clears Carnet's data (the app itself stays cached), then the record comes back from the
  // backup and the recovery key as a person types it, with a new passphrase for this device.
  await page.evaluate(async () => {
    for (const { name } of await indexedDB.databases()) {
      if (name !== undefined && name.startsWith('carnet-v1')) {
        await new Promise((resolve, reject) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = resolve;
          request.onerror = reject;
        });
      }
    }
  });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible();
  await page.getByRole('link', { name: 'Restore from a backup' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Restore from a backup' })).toBeVisible();
  await page.getByLabel('Backup file').setInputFiles(backupPath);
  await expect(page.getByTestId('restore-file-about')).toContainText('Backup made on');
  const typed = kit.recoveryKey.replace(/-/g, ' ');
  await page.getByLabel('Recovery key').fill(typed);
  await page.getByLabel('New passphrase for this device', { exact: true }).fill(NEW_PASSPHRASE);
  await page.getByLabel('Type the passphrase again', { exact: true }).fill(NEW_PASSPHRASE);
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot('phone-restore');
  await page.getByRole('button', { name: 'Restore my record' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({ timeout: CREATE_TIMEOUT });
  await expect(page.getByRole('status').filter({ hasText: /^Records: / })).toHaveText('Records: 3', {
    timeout: UNLOCK_TIMEOUT,
  });
  await openRecordFromOverview(page, LAB.title);
  await checkRecordPage(page, 'lab');
  await openRecordFromOverview(page, REPORT.title);
  await checkRecordPage(page, 'report');
  await lockFromHeader(page);
  // Locked on the report's page: the new passphrase opens the vault back on that page.
  await unlock(page, { passphrase: NEW_PASSPHRASE }, REPORT.title);
  await checkRecordPage(page, 'report');
  phase('wipe, restore from the backup, unlock with the new passphrase');
  console.log(`phases: ${phases.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`screenshots:\n${shots.join('\n')}`);
  console.log(`console errors during the journey: ${consoleErrors.length}\n${consoleErrors.join('\n')}`);
  await context.setOffline(false);
});
