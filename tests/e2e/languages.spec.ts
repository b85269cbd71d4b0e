import { expect, test } from '@playwright/test';
import { createVault, navigate } from './vault-screens.ts';

test.describe('the browser language decides at first', () => {
  test.use({ locale: 'de-DE' });

  test('German browser: German app', async ({ page }) => {
    await page.goto('/');
    await expect(
      page.getByRole('heading', {
        level: 1,
        name: 'Legen Sie Ihre Gesundheitsakte an',
      }),
    ).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page).toHaveTitle('Legen Sie Ihre Gesundheitsakte an · Carnet');
  });
});

test.describe('switching language', () => {
  test.use({ locale: 'en-GB' });

  test('is immediate, keeps what was typed, and is remembered after a reload', async ({ page }) => {
    await page.goto('/');
    await expect(
      page.getByRole('heading', {
        level: 1,
        name: 'Create your health record',
      }),
    ).toBeVisible();
    await page.getByLabel('Choose a passphrase').fill('typed before the switch');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
    await expect(
      page.getByRole('heading', {
        level: 1,
        name: 'Créez votre carnet de santé',
      }),
    ).toBeVisible();
    await expect(page.getByLabel('Choisissez une phrase secrète')).toHaveValue('typed before the switch');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page).toHaveTitle('Créez votre carnet de santé · Carnet');
    await page.reload();
    await expect(
      page.getByRole('heading', {
        level: 1,
        name: 'Créez votre carnet de santé',
      }),
    ).toBeVisible();
  });
});

test('the theme follows the device and can be overridden in Settings, remembered', async ({ page }) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await createVault(page);
  await navigate(page, '/settings');
  const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await background();
  expect(dark).not.toBe(light);
  await page.getByRole('radio', { name: 'Light' }).check();
  expect(await background()).toBe(light);
  // Remembered on this device: after a reload (the vault is locked then) the page is still light.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Unlock Carnet' })).toBeVisible();
  expect(await background()).toBe(light);
  await page.getByLabel('Passphrase', { exact: true }).fill('lamp river orange tuesday cactus');
  await page.getByRole('button', { name: 'Unlock' }).click();
  // The vault locked on Settings (the reload): unlocking comes back there.
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();
  await page.getByRole('radio', { name: 'Same as this device' }).check();
  expect(await background()).toBe(dark);
});
