import { expect, test } from '@playwright/test';

test.describe('the browser language decides at first', () => {
  test.use({ locale: 'de-DE' });

  test('German browser: German app, German dates and numbers', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Übersicht' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    const expected = await page.evaluate(() => new Intl.DateTimeFormat('de', { dateStyle: 'long' }).format(new Date()));
    await expect(page.getByText(`Heute ist ${expected}.`)).toBeVisible();
  });
});

test.describe('switching language', () => {
  test.use({ locale: 'en-GB' });

  test('is immediate, keeps the page, and is remembered after a reload', async ({ page }) => {
    await page.goto('/access-log');
    await expect(page.getByRole('heading', { level: 1, name: 'Access log' })).toBeVisible();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
    await expect(page.getByRole('heading', { level: 1, name: 'Journal des accès' })).toBeVisible();
    await expect(page).toHaveURL(/\/access-log$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page).toHaveTitle('Journal des accès · Carnet');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Journal des accès' })).toBeVisible();
    await page.goto('/');
    const expected = await page.evaluate(() => new Intl.DateTimeFormat('fr', { dateStyle: 'long' }).format(new Date()));
    await expect(page.getByText(`Nous sommes le ${expected}.`)).toBeVisible();
  });
});

test('the theme follows the device and can be overridden in Settings, remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/settings');
  const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await background();
  expect(dark).not.toBe(light);
  await page.getByRole('radio', { name: 'Light' }).check();
  expect(await background()).toBe(light);
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();
  expect(await background()).toBe(light);
  await page.getByRole('radio', { name: 'Same as this device' }).check();
  expect(await background()).toBe(dark);
});
