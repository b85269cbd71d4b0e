import { expect, test } from '@playwright/test';
import { LANGUAGE_STORAGE_KEY } from './app-routes.ts';

const SHOTS = [
  { name: 'phone-overview-light', width: 390, height: 844, theme: 'light', path: '/', locale: 'en', menu: false },
  { name: 'phone-menu-open-dark', width: 390, height: 844, theme: 'dark', path: '/', locale: 'de', menu: true },
  { name: 'phone-settings-fr', width: 390, height: 844, theme: 'light', path: '/settings', locale: 'fr', menu: false },
  { name: 'desktop-overview-light', width: 1280, height: 800, theme: 'light', path: '/', locale: 'en', menu: false },
  {
    name: 'desktop-access-log-dark',
    width: 1280,
    height: 800,
    theme: 'dark',
    path: '/access-log',
    locale: 'fr',
    menu: false,
  },
  {
    name: 'desktop-settings-de',
    width: 1280,
    height: 800,
    theme: 'light',
    path: '/settings',
    locale: 'de',
    menu: false,
  },
] as const;

// Written for people to look at (test-results/shell-screenshots/), not compared pixel by pixel.
for (const shot of SHOTS) {
  test(`screenshot ${shot.name} (${shot.width}x${shot.height})`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({
      baseURL,
      viewport: { width: shot.width, height: shot.height },
      colorScheme: shot.theme,
      locale: shot.locale,
    });
    const page = await context.newPage();
    await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      LANGUAGE_STORAGE_KEY,
      shot.locale,
    ] as const);
    await page.goto(shot.path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // Let the one-off "works offline" message pass out of the picture: it is not part of the shell.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page
      .getByRole('button', { name: /Dismiss|Fermer|Schließen/ })
      .click({ timeout: 5000 })
      .catch(() => undefined);
    if (shot.menu) await page.getByRole('button', { name: /Menu|Menü/ }).click();
    await page.screenshot({ path: `test-results/shell-screenshots/${shot.name}.png` });
    await context.close();
  });
}
