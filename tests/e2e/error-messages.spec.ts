import { expect, test } from '@playwright/test';

test('an error nobody caught becomes a plain message, with the code only as a reference', async ({ page }) => {
  await page.goto('/records');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.evaluate(() => {
    void Promise.reject(new DOMException('quota', 'QuotaExceededError'));
  });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This device is out of space. Free some space, then try again.');
  await expect(alert).toContainText('Reference for support: storage-full');
  await page.getByRole('listitem').filter({ has: alert }).getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Anything unknown still gets words and a next step, never a stack trace; and it follows the language.
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('kaboom 0x1f');
    });
  });
  await expect(page.getByRole('alert')).toContainText('Something went wrong.');
  await expect(page.getByRole('alert')).not.toContainText('kaboom');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
  await expect(page.getByRole('alert')).toContainText('Etwas ist schiefgelaufen.');
});

test('an unknown address shows a page that says so and leads back', async ({ page }) => {
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the overview' }).click();
  // No vault on this device yet: the way back leads to creating one.
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible();
});
