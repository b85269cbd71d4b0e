import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGE_STORAGE_KEY } from './app-routes.ts';
import { addRecord, keepUnlocked, navigate, PASSPHRASE, SAMPLE_RECORDS, waitUntilSaved } from './vault-screens.ts';

/** Where the pictures go (a separate folder keeps them apart from a parallel run's test-results). */
const DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments');

const ALL_RUNS = [
  { name: 'phone', width: 390, height: 844, theme: 'light', locale: 'en' },
  { name: 'phone-dark', width: 390, height: 844, theme: 'dark', locale: 'de' },
  { name: 'desktop', width: 1280, height: 800, theme: 'light', locale: 'fr' },
  { name: 'desktop-dark', width: 1280, height: 800, theme: 'dark', locale: 'en' },
] as const;
// `npm test` takes a phone in one theme and a desktop in the other (the offline journey also shoots both sizes
// in light); `npm run test:long` takes all four.
const RUNS =
  process.env.CARNET_LONG === '1' ? ALL_RUNS : ALL_RUNS.filter((r) => r.name === 'phone-dark' || r.name === 'desktop');

// Written for people to look at (test-results/screenshots/), not compared pixel by pixel.
for (const run of RUNS) {
  test(`screenshots of every vault screen, ${run.name} (${run.width}x${run.height}, ${run.locale})`, async ({
    browser,
    baseURL,
  }) => {
    test.setTimeout(240_000);
    const context = await browser.newContext({
      baseURL,
      viewport: { width: run.width, height: run.height },
      colorScheme: run.theme,
      locale: run.locale,
    });
    const page = await context.newPage();
    await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      LANGUAGE_STORAGE_KEY,
      run.locale,
    ] as const);
    const shot = async (screen: string, fullPage = false): Promise<void> => {
      await page
        .getByRole('button', { name: /Dismiss|Fermer|Schließen/ })
        .first()
        .click({ timeout: 1000 })
        .catch(() => undefined);
      await page.screenshot({ path: `${DIR}/${run.name}-${screen}.png`, fullPage });
    };

    await page.goto('/');
    await expect(page.locator('#create-passphrase')).toBeVisible();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.locator('#create-passphrase').fill('summer2024');
    await page.locator('#create-confirmation').fill('summer2024');
    // As a person would: the meter has rated it (the rater and its word lists load on first use, which takes
    // seconds on a loaded CI machine), then submit.
    await expect(page.locator('#create-strength')).not.toBeEmpty({ timeout: 20_000 });
    await page.locator('form:has(#create-passphrase) button[type="submit"]').click();
    await expect(page.locator('#create-passphrase-error')).toBeVisible({ timeout: 20_000 });
    await shot('onboarding-weak');
    await page.locator('#create-passphrase').fill(PASSPHRASE);
    await page.locator('#create-confirmation').fill(PASSPHRASE);
    await expect(page.locator('#create-strength')).not.toBeEmpty();
    await shot('onboarding');
    await page.locator('form:has(#create-passphrase) button[type="submit"]').click();
    const kit = page.getByTestId('recovery-kit');
    await expect(kit).toBeVisible({ timeout: 60_000 });
    await expect(kit.locator('img')).toBeVisible();
    await shot('recovery-kit', true);
    await kit.locator('input[type="checkbox"]').check();
    await kit.locator('button[type="submit"]').click();
    await expect(page.locator('#record-search')).toBeVisible();
    await shot('overview-empty');
    await keepUnlocked(page);

    const ids: string[] = [];
    for (const record of SAMPLE_RECORDS) ids.push(await addRecord(page, record));
    await waitUntilSaved(page);
    await navigate(page, `/records/${ids[0] ?? ''}`);
    await expect(page.locator('table')).toBeVisible();
    await shot('record', true);
    await navigate(page, `/records/${ids[0] ?? ''}/edit`);
    await expect(page.locator('#record-title')).toBeVisible();
    await page
      .getByTestId('file-input')
      .setInputFiles(['report.pdf', 'square.png', 'truncated.pdf'].map((name) => path.join(FIXTURES, name)));
    // The truncated PDF is refused as it is picked, in the form's list.
    await expect(page.getByTestId('refused-file')).toHaveCount(1, { timeout: 60_000 });
    await shot('record-edit', true);
    await page.locator('form.record-form button[type="submit"]').click();
    await expect(page.locator('.attachment')).toHaveCount(2, { timeout: 60_000 });
    await expect(page.locator('.upload-failed')).toHaveCount(0);
    await shot('record-files', true);
    await navigate(page, '/');
    await expect(page.locator('.timeline-entry')).toHaveCount(SAMPLE_RECORDS.length);
    await shot('overview', true);
    await page.locator('#record-search').fill('haemo');
    await expect(page.locator('.timeline-entry')).toHaveCount(1);
    await shot('overview-search');
    await navigate(page, '/records');
    await shot('records');
    await navigate(page, '/personal');
    await expect(page.locator('.timeline-entry')).toHaveCount(1);
    await shot('personal');
    await navigate(page, '/settings');
    await expect(page.locator('#settings-autolock')).toBeVisible();
    await shot('settings', true);
    if (run.width < 600) {
      await page.getByRole('button', { name: /Menu|Menü/ }).click();
      await shot('menu-open');
    }

    await lockAndShowUnlock(page);
    await shot('unlock');
    await page.locator('#unlock-passphrase').fill('not my passphrase at all');
    await page.locator('form.unlock-form button[type="submit"]').click();
    await expect(page.locator('#unlock-passphrase-error')).toBeVisible({ timeout: 60_000 });
    await shot('unlock-wrong');
    await page.locator('.unlock-form .button-link').click();
    await expect(page.locator('#unlock-recovery-key')).toBeVisible();
    await shot('unlock-recovery');
    await context.close();
  });
}

async function lockAndShowUnlock(page: Page): Promise<void> {
  await page
    .locator('header')
    .getByRole('button', { name: /^(Lock|Verrouiller|Sperren)$/ })
    .click();
  await expect(page.locator('#unlock-passphrase')).toBeVisible();
}
