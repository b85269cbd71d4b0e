import { expect, test } from '@playwright/test';

// With no vault on this browser the first screen is onboarding; a deep link that needs an open vault leads
// there too. What matters here is that the app itself starts from the service worker with no network.
const FIRST = { level: 1, name: 'Create your health record' } as const;

test('the app starts with no network once the service worker controls the page', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', FIRST)).toBeVisible({ timeout: 30_000 });
  // clientsClaim: the first visit's worker takes control without a second load.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  // Told once that it now works offline, in plain words.
  await expect(page.getByText('Carnet now works without a network.')).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', FIRST)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();

  await page.goto('/records/x');
  await expect(page.getByRole('heading', FIRST)).toBeVisible({ timeout: 30_000 });
  await page.goto('/access-log');
  await expect(page.getByRole('heading', FIRST)).toBeVisible({ timeout: 30_000 });
  await context.setOffline(false);
});

test('the web manifest is served by the service worker with no network', async ({ page, context }) => {
  await page.goto('/');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  // The precache is filled before the worker activates, so everything precached is there now.
  await context.setOffline(true);
  const manifest = await page.evaluate(async () => {
    const response = await fetch('/manifest.webmanifest');
    return { ok: response.ok, body: (await response.json()) as { name?: string; start_url?: string } };
  });
  expect(manifest.ok).toBe(true);
  expect(manifest.body.name).toBe('Carnet');
  await context.setOffline(false);
});
