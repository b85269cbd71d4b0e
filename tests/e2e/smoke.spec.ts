import { expect, test } from '@playwright/test';

test('the relay serves the app at / and at a deep link', async ({ page }) => {
  for (const url of ['/', '/records/x']) {
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
});
