import { expect, test } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALES } from './app-routes.ts';
import { expectNoAxeViolation } from './support/axe.ts';
import { createVault, navigate } from './vault-screens.ts';

const DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments');
const fixture = (name: string): string => path.join(FIXTURES, name);

test('a picked file is checked at once: a refused one shows its reason in the list before saving', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await createVault(page);
  await navigate(page, '/records/new?category=medical-report');
  await page
    .getByTestId('file-input')
    .setInputFiles([
      fixture('utf8-bom.txt'),
      fixture('controls-in-ascii.txt'),
      fixture('latin1.txt'),
      fixture('cut.png'),
      fixture('png-renamed.txt'),
    ]);
  const refused = page.getByTestId('refused-file');
  await expect(refused).toHaveCount(3);
  // A binary file that looks like text, and a damaged picture, each with its reason; nothing was saved yet.
  await expect(refused.filter({ hasText: 'controls-in-ascii.txt cannot be added.' })).toContainText(
    'This is not plain text in UTF-8',
  );
  await expect(refused.filter({ hasText: 'latin1.txt cannot be added.' })).toContainText('older character set');
  await expect(refused.filter({ hasText: 'cut.png cannot be added.' })).toContainText('This file looks damaged');
  await expect(page).toHaveURL(/\/records\/new/);
  const pending = page.getByRole('list', { name: 'Files to add' }).locator('li:not([data-testid="refused-file"])');
  await expect(pending).toHaveText([/utf8-bom\.txt/, /png-renamed\.txt/]);
  await expect(page.getByText('Checking…')).toHaveCount(0);
  await expectNoAxeViolation(page, 'refused files');

  for (const size of [
    { name: 'phone', width: 390, height: 844 },
    { name: 'desktop', width: 1280, height: 800 },
  ]) {
    for (const locale of LOCALES) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator('#header-language').selectOption(locale);
      await page.setViewportSize({ width: size.width, height: size.height });
      await refused.last().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${DIR}/files-refused-${size.name}-${locale}.png` });
    }
  }
  await page
    .locator('#header-language')
    .selectOption('en')
    .catch(() => undefined);

  // Saving adds the two accepted files only; the record page shows no failure for the refused ones.
  await page.locator('#record-title').fill('Letter with files');
  await page.locator('form.record-form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/records\/[0-9a-f]{32}$/);
  await expect(page.locator('li.attachment')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.locator('.upload-failed')).toHaveCount(0);
  await context.close();
});
