import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectNoAxeViolation } from './support/axe.ts';
import { addRecord, createVault, navigate, waitUntilSaved } from './vault-screens.ts';

/** Where the pictures go, with the other screenshots (looked at by people, not compared). */
const DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments');
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

test.use({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });

/** Switches the language from Settings (the header's picker may be in the menu on a phone). */
async function useLanguage(page: Page, locale: 'en' | 'fr' | 'de'): Promise<void> {
  await navigate(page, '/settings');
  await page.locator('#settings-language').selectOption(locale);
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
}

/** axe on the screen as it stands, light and dark. */
const expectNoViolation = (page: Page, screen: string): Promise<void> =>
  expectNoAxeViolation(page, screen, ['light', 'dark']);

/** The text of a lab value's row as it shows (the flag sits in its own column or under the value). */
function labRow(page: Page, name: string) {
  return page
    .getByRole('article')
    .getByRole('table')
    .getByRole('row', { name: new RegExp(name) });
}

test('an automatic flag follows the edited value, a flag set by hand says so, numbers read in the language', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await createVault(page);
  // The first-run notice would sit over the pictures' header.
  await page
    .getByRole('button', { name: 'Dismiss' })
    .first()
    .click({ timeout: 2000 })
    .catch(() => undefined);
  const id = await addRecord(page, {
    category: 'lab-result',
    title: 'Lipids',
    date: '2026-03-05',
    observations: [{ name: 'LDL', value: '1.72', unit: 'g/L', low: '0', high: '1.6' }],
  });
  await expect(labRow(page, 'LDL')).toContainText('↑ High', { useInnerText: true });

  await navigate(page, `/records/${id}/edit`);
  const rows = page.locator('.observation-row');
  await rows.nth(0).locator('input[id$="-value"]').fill('1.45');
  await page.locator('.observations > button').click();
  await rows.nth(1).locator('input[id$="-name"]').fill('Antigen');
  await rows.nth(1).locator('input[id$="-value"]').fill('Positive');
  await rows.nth(1).locator('select[id$="-flag"]').selectOption('abnormal');
  await page.getByTestId('file-input').setInputFiles(path.join(FIXTURES, 'square.png'));
  await page.locator('form.record-form button[type="submit"]').click();
  await expect(page).toHaveURL(new RegExp(`/records/${id}$`));
  await expect(page.locator('.attachment')).toHaveCount(1, { timeout: 30_000 });
  await waitUntilSaved(page);

  const ldl = labRow(page, 'LDL');
  await expect(ldl).toContainText('✓ Normal', { useInnerText: true });
  await expect(ldl).not.toContainText('High');
  await expect(ldl).not.toContainText('set by hand');
  const antigen = labRow(page, 'Antigen');
  await expect(antigen).toContainText('! Abnormal', { useInnerText: true });
  await expect(antigen).toContainText('set by hand');

  await navigate(page, '/');
  const card = page.locator('.timeline-entry').filter({ hasText: 'Lipids' });
  await expect(card.getByRole('listitem')).toHaveText(['1 value out of range', '1 file']);
  await expectNoViolation(page, 'overview, en');

  for (const locale of ['fr', 'de', 'en'] as const) {
    await useLanguage(page, locale);
    await navigate(page, `/records/${id}`);
    if (locale === 'fr') {
      await expect(ldl.getByRole('cell').nth(0)).toHaveText(/^1,45 g\/L/, { useInnerText: true });
      await expect(ldl.getByRole('cell').nth(1)).toHaveText('de 0 à 1,6');
      await expect(antigen).toContainText('indiqué à la main');
      await expectNoViolation(page, 'record, fr');
    }
    if (locale === 'de') await expect(ldl.getByRole('cell').nth(1)).toHaveText('0 bis 1,6');
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await navigate(page, `/records/${id}`);
      await expect(ldl).toBeVisible();
      await page.screenshot({ path: `${DIR}/lab-flags-${size.name}-${locale}-record.png`, fullPage: true });
      await navigate(page, '/');
      await expect(card.getByRole('listitem')).toHaveCount(2);
      await page.screenshot({ path: `${DIR}/lab-flags-${size.name}-${locale}-overview.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});
