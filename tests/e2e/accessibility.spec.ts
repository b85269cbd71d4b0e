import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { APP_ROUTES, LANGUAGE_STORAGE_KEY, LOCALES } from './app-routes.ts';

const THEMES = ['light', 'dark'] as const;

for (const locale of LOCALES) {
  for (const theme of THEMES) {
    test(`axe finds no violation on any screen, ${locale}, ${theme}`, async ({ browser, baseURL }) => {
      // Eight screens, each a full axe run: slow on a 2-core machine with other tests in parallel.
      test.setTimeout(180_000);
      const context = await browser.newContext({ baseURL, locale, colorScheme: theme });
      const page = await context.newPage();
      await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [
        LANGUAGE_STORAGE_KEY,
        locale,
      ] as const);
      const counts: string[] = [];
      for (const route of APP_ROUTES) {
        await page.goto(route.path);
        await expect(page.getByRole('heading', { level: 1, name: route.heading[locale] })).toBeVisible();
        await expect(page.locator('html')).toHaveAttribute('lang', locale);
        const { violations } = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
          .analyze();
        counts.push(`${route.path}=${violations.length}`);
        expect(
          violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          `${route.path} (${locale}, ${theme})`,
        ).toEqual([]);
      }
      console.log(`axe ${locale} ${theme}: ${counts.join(' ')}`);
      await context.close();
    });
  }
}
