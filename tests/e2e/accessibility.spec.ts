import { expect, test, type Page } from '@playwright/test';
import { LANGUAGE_STORAGE_KEY, LOCALES } from './app-routes.ts';
import { axeViolations, type Theme } from './support/axe.ts';
import {
  addRecord,
  keepUnlocked,
  LAB_RECORD,
  navigate,
  PASSPHRASE,
  PERSONAL_RECORD,
  waitUntilSaved,
} from './vault-screens.ts';

const BOTH: readonly Theme[] = ['light', 'dark'];
/**
 * Every screen in every language. `npm test` runs English in both themes, French in dark and German in light
 * (so each language and each theme is checked, in fewer axe runs); `npm run test:long` runs every pair.
 */
const THEMES_OF: Record<string, readonly Theme[]> =
  process.env.CARNET_LONG === '1' ? { en: BOTH, fr: BOTH, de: BOTH } : { en: BOTH, fr: ['dark'], de: ['light'] };

/**
 * Runs axe on the page as it stands, in the light and the dark theme, and fails with every violation's rule
 * and targets. Both themes on one page: a vault's creation costs more than an axe run.
 */
async function expectNoViolation(page: Page, screen: string, counts: string[]): Promise<void> {
  await expect(page.locator('#main-content h1')).toBeVisible();
  const locale = (await page.locator('html').getAttribute('lang')) ?? 'en';
  for (const theme of THEMES_OF[locale] ?? BOTH) {
    await page.emulateMedia({ colorScheme: theme });
    const violations = await axeViolations(page);
    counts.push(`${screen}/${theme}=${violations.length}`);
    expect(violations, `${screen} (${theme})`).toEqual([]);
  }
}

for (const locale of LOCALES) {
  test(`axe finds no violation on any vault screen, ${(THEMES_OF[locale] ?? BOTH).join(' and ')}, ${locale}`, async ({
    browser,
    baseURL,
  }) => {
    // Twenty screens, each two full axe runs, plus a vault's creation and unlock: slow on 2 shared cores.
    test.setTimeout(900_000);
    const context = await browser.newContext({ baseURL, locale });
    const page = await context.newPage();
    await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      LANGUAGE_STORAGE_KEY,
      locale,
    ] as const);
    const counts: string[] = [];

    // Onboarding, blank and with its errors showing.
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await expect(page.locator('#create-passphrase')).toBeVisible();
    await expectNoViolation(page, 'onboarding', counts);
    await page.locator('#create-passphrase').fill('password1');
    // The rater and its word lists load on first use (seconds on a loaded CI machine): wait for the meter first.
    await expect(page.locator('#create-strength')).not.toBeEmpty({ timeout: 20_000 });
    await page.locator('form:has(#create-passphrase) button[type="submit"]').click();
    await expect(page.locator('#create-passphrase-error')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('#create-strength')).not.toBeEmpty();
    await expectNoViolation(page, 'onboarding-errors', counts);

    // The recovery kit, with its unticked-box error.
    await page.locator('#create-passphrase').fill(PASSPHRASE);
    await page.locator('#create-confirmation').fill(PASSPHRASE);
    await page.locator('form:has(#create-passphrase) button[type="submit"]').click();
    const kit = page.getByTestId('recovery-kit');
    await expect(kit).toBeVisible({ timeout: 60_000 });
    await kit.locator('button[type="submit"]').click();
    await expect(page.locator('#kit-saved-error')).toBeVisible();
    await expectNoViolation(page, 'recovery-kit', counts);
    await kit.locator('input[type="checkbox"]').check();
    await kit.locator('button[type="submit"]').click();
    await expect(page.locator('#record-search')).toBeVisible();
    await expectNoViolation(page, 'overview-empty', counts);
    await keepUnlocked(page);

    // Records: the form (with its error summary), a record, the timeline with filters open, search.
    await navigate(page, '/records/new');
    await page.locator('#record-title').fill('');
    await page.locator('form.record-form button[type="submit"]').click();
    await expect(page.locator('#record-title-error')).toBeVisible();
    await expectNoViolation(page, 'record-new-errors', counts);
    const labId = await addRecord(page, LAB_RECORD);
    await addRecord(page, PERSONAL_RECORD);
    await waitUntilSaved(page);
    await navigate(page, `/records/${labId}`);
    await expect(page.locator('table')).toBeVisible();
    await expectNoViolation(page, 'record', counts);
    await navigate(page, `/records/${labId}/edit`);
    await expect(page.locator('#record-title')).toBeVisible();
    await expectNoViolation(page, 'record-edit', counts);
    await navigate(page, '/');
    await page.locator('details.filters summary').click();
    await expect(page.locator('#filter-category')).toBeVisible();
    await expectNoViolation(page, 'overview', counts);
    await page.locator('#record-search').fill('haemo');
    await expect(page.locator('.timeline-entry')).toHaveCount(1);
    await expectNoViolation(page, 'overview-search', counts);
    await page.locator('#record-search').fill('zzzz nothing matches');
    await expect(page.locator('.timeline-entry')).toHaveCount(0);
    await expectNoViolation(page, 'overview-no-match', counts);
    await navigate(page, '/records');
    await expectNoViolation(page, 'records', counts);
    await navigate(page, '/records?category=lab-result');
    await expectNoViolation(page, 'records-lab', counts);
    await navigate(page, '/personal');
    await expect(page.locator('.timeline-entry')).toHaveCount(1);
    await expectNoViolation(page, 'personal', counts);
    await navigate(page, '/settings');
    await expect(page.locator('#settings-autolock')).toBeVisible();
    await expectNoViolation(page, 'settings', counts);
    for (const path of ['/sharing', '/access-log', '/people']) {
      await navigate(page, path);
      await expectNoViolation(page, path, counts);
    }

    // Locked: the unlock screen, a wrong passphrase, the recovery key; an unknown address.
    await page.locator('header button:has(svg rect)').click();
    await expect(page.locator('#unlock-passphrase')).toBeVisible();
    await expectNoViolation(page, 'unlock', counts);
    await page.locator('#unlock-passphrase').fill('not my passphrase at all');
    await page.locator('form.unlock-form button[type="submit"]').click();
    await expect(page.locator('#unlock-passphrase-error')).toBeVisible({ timeout: 60_000 });
    await expectNoViolation(page, 'unlock-wrong', counts);
    await page.locator('.unlock-form .button-link').click();
    await expect(page.locator('#unlock-recovery-key')).toBeVisible();
    await expectNoViolation(page, 'unlock-recovery', counts);
    await page.goto('/no-such-page');
    await expectNoViolation(page, 'not-found', counts);

    // Restoring from a backup: blank, then with its errors showing.
    await page.goto('/restore');
    await expect(page.locator('#restore-file')).toBeVisible();
    await expectNoViolation(page, 'restore', counts);
    await page.locator('.restore-form button[type="submit"]').click();
    await expect(page.locator('#restore-file-error')).toBeVisible();
    await expectNoViolation(page, 'restore-errors', counts);

    console.log(`axe ${locale}: ${counts.join(' ')}`);
    await context.close();
  });
}
