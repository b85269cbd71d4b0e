// Issue 11: the backup and restore screens in French, German and English, on a phone and a desktop, looked at
// (test-results/screenshots/backup-*.png) and checked by axe: the Settings backup section before and after a
// backup, and the restore screen blank, with its errors, and refusing a file that is not a backup.
import { expect, test, type Page } from '@playwright/test';
import { LANGUAGE_STORAGE_KEY, LOCALES } from './app-routes.ts';
import { expectNoAxeViolation } from './support/axe.ts';
import { createVault, navigate } from './vault-screens.ts';

const DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

const noViolation = (page: Page, screen: string): Promise<void> => expectNoAxeViolation(page, screen);

for (const locale of LOCALES) {
  test(`backup and restore screens, phone and desktop, ${locale}`, async ({ browser, baseURL }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ baseURL, locale, acceptDownloads: true });
    const page = await context.newPage();
    await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      LANGUAGE_STORAGE_KEY,
      locale,
    ] as const);
    const shoot = async (screen: string): Promise<void> => {
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.screenshot({ path: `${DIR}/backup-${screen}-${size.name}-${locale}.png`, fullPage: true });
      }
    };

    // The restore screen, before a vault exists: blank, its errors, a file that is not a backup.
    await page.goto('/restore');
    await expect(page.locator('#restore-file')).toBeVisible();
    await noViolation(page, 'restore');
    await page.locator('.restore-form button[type="submit"]').click();
    await expect(page.locator('#restore-file-error')).toBeVisible();
    await expect(page.locator('#restore-key-error')).toBeVisible();
    await noViolation(page, 'restore-errors');
    await page.locator('#restore-file').setInputFiles({
      name: 'holiday.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('not a backup at all, just some bytes'),
    });
    await expect(page.locator('#restore-file-error')).toContainText(/Carnet/);
    await shoot('restore-errors');

    // Settings: no backup yet (a reminder), then one saved (its date).
    await createVault(page);
    await navigate(page, '/settings');
    const status = page.getByTestId('backup-status');
    await expect(status).toHaveClass(/banner-warning/);
    await status.scrollIntoViewIfNeeded();
    await noViolation(page, 'settings-no-backup');
    const downloading = page.waitForEvent('download');
    await page.locator('.backup button').click();
    expect((await downloading).suggestedFilename()).toMatch(/^carnet-backup-.*\.carnet$/);
    await expect(status).not.toHaveClass(/banner-warning/);
    await noViolation(page, 'settings-backup-saved');
    await shoot('settings');
    await context.close();
  });
}
