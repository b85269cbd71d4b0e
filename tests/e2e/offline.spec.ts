import { expect, test } from '@playwright/test';

test('the app starts with no network once the service worker controls the page', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  // clientsClaim: the first visit's worker takes control without a second load.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  // Told once that it now works offline, in plain words.
  await expect(page.getByText('Carnet now works without a network.')).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();

  await page.goto('/records/x');
  await expect(page.getByRole('heading', { level: 1, name: 'Record' })).toBeVisible();
  await page.goto('/access-log');
  await expect(page.getByRole('heading', { level: 1, name: 'Access log' })).toBeVisible();
  await context.setOffline(false);
});
