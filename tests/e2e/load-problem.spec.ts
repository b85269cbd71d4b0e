// Issue 13: when the browser cannot read every record's content after unlock, the patient is told (search then
// misses notes and lab values) and can try again. Chromium's real IndexedDB, with a read fault injected into the
// page: while `__carnetFailEnvelopeReads` is set, reads of the envelopes' recordId index (the background load's
// per-record reads) throw UnknownError, as a damaged browser profile does ("Internal error reading from the
// database"). Rows that fail their integrity check are another matter (the store-problem banner, issue 6).
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolation } from './support/axe.ts';
import {
  addRecord,
  createVault,
  goToSection,
  lockFromHeader,
  PASSPHRASE,
  pinEnglish,
  unlock,
  UNLOCK_TIMEOUT,
  waitUntilSaved,
} from './support/vault-ui.ts';

test.use({ locale: 'en-US', viewport: { width: 390, height: 844 } });

const DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';
const NOTE_WORD = 'sertraline';

declare global {
  interface Window {
    __carnetFailEnvelopeReads?: boolean;
  }
}

/** Installed in every page before the app's scripts: the fault, off until a test turns it on. */
function installReadFault(): void {
  const reads = ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count'] as const;
  const proto = IDBIndex.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of reads) {
    const original = proto[name];
    if (original === undefined) continue;
    proto[name] = function (this: IDBIndex, ...args: unknown[]) {
      if (
        window.__carnetFailEnvelopeReads === true &&
        this.objectStore.name === 'envelopes' &&
        this.name === 'recordId'
      )
        throw new DOMException('Internal error reading from the database', 'UnknownError');
      return original.apply(this, args);
    };
  }
}

async function setFault(page: Page, on: boolean): Promise<void> {
  await page.evaluate((value) => {
    window.__carnetFailEnvelopeReads = value;
  }, on);
}

test('a failed background load is said in plain words, search says it is partial, and Try again loads the rest', async ({
  page,
  context,
}) => {
  test.setTimeout(4 * UNLOCK_TIMEOUT);
  await pinEnglish(context);
  await context.addInitScript(installReadFault);
  await page.goto('/');
  await createVault(page);
  await addRecord(page, {
    category: 'Prescription',
    title: 'Monthly prescription',
    date: '2026-02-03',
    note: `Dose of ${NOTE_WORD} raised to 100 mg.`,
  });
  await waitUntilSaved(page);
  // Locked on the overview, which unlocking returns to: no record page reads the record's content itself.
  await goToSection(page, 'Overview');
  await lockFromHeader(page);

  await setFault(page, true);
  await unlock(page, { passphrase: PASSPHRASE });
  const notice = page.getByTestId('load-problem');
  await expect(notice).toBeVisible({ timeout: UNLOCK_TIMEOUT });
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(notice).toContainText('Carnet could not read everything on this device');
  await expect(notice).toContainText('search may miss notes and lab values');
  const hint = page.locator('#record-search-hint');
  await expect(hint).toHaveText('Some records could not be opened: search may miss notes and lab values.');
  const search = page.getByLabel('Search your records');
  await search.fill(NOTE_WORD);
  await expect(page.getByRole('link', { name: 'Monthly prescription', exact: true })).toHaveCount(0);
  await page.screenshot({ path: `${DIR}/load-problem-phone-en.png`, fullPage: true });
  await expectNoAxeViolation(page, 'load problem notice', ['light', 'dark']);
  // The same notice in French and German (the header's language picker, in sight on a wide screen).
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [locale, title] of [
    ['fr', 'Carnet n’a pas pu tout lire sur cet appareil'],
    ['de', 'Carnet konnte nicht alles auf diesem Gerät lesen'],
    ['en', 'Carnet could not read everything on this device'],
  ] as const) {
    await page.locator('#header-language').selectOption(locale);
    await expect(notice).toContainText(title);
    if (locale !== 'en') await page.screenshot({ path: `${DIR}/load-problem-desktop-${locale}.png` });
  }
  await page.setViewportSize({ width: 390, height: 844 });

  // Still failing: the notice stays, and says so again.
  await notice.getByRole('button', { name: 'Try again' }).click();
  await expect(notice.getByRole('button', { name: 'Try again' })).toBeEnabled();
  await expect(notice).toBeVisible();

  await setFault(page, false);
  await notice.getByRole('button', { name: 'Try again' }).click();
  await expect(notice).toHaveCount(0, { timeout: UNLOCK_TIMEOUT });
  await expect(hint).toHaveText('Searches titles, notes, names and lab values.');
  await expect(page.getByRole('link', { name: 'Monthly prescription', exact: true })).toBeVisible();
});
