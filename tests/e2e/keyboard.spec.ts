import { expect, test, type Page } from '@playwright/test';
import { APP_ROUTES } from './app-routes.ts';

const NAV_PATHS = APP_ROUTES.filter((route) => route.inNav).map((route) => route.path);

interface Focused {
  href: string | null;
  outline: string;
  outlineWidth: number;
}

/** Presses Tab until every nav link has been focused (or `limit` presses), noting each one's focus style. */
async function tabThroughNav(page: Page, limit: number): Promise<Map<string, Focused>> {
  const seen = new Map<string, Focused>();
  for (let i = 0; i < limit && seen.size < NAV_PATHS.length; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((): Focused | null => {
      const element = document.activeElement;
      if (!(element instanceof HTMLAnchorElement) || element.closest('nav') === null) return null;
      const style = getComputedStyle(element);
      return {
        href: element.getAttribute('href'),
        outline: `${style.outlineStyle} ${style.outlineColor}`,
        outlineWidth: parseFloat(style.outlineWidth),
      };
    });
    if (focused !== null && focused.href !== null) seen.set(focused.href, focused);
  }
  return seen;
}

function expectVisibleFocus(seen: Map<string, Focused>): void {
  expect([...seen.keys()].sort()).toEqual([...NAV_PATHS].sort());
  for (const [href, focused] of seen) {
    expect(focused.outline, href).not.toMatch(/^none/);
    expect(focused.outlineWidth, href).toBeGreaterThanOrEqual(2);
  }
}

test('keyboard only, wide screen: Tab reaches every section with a visible focus ring', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const seen = await tabThroughNav(page, 20);
  expectVisibleFocus(seen);
  console.log('focused:', [...seen.values()].map((f) => `${f.href} (${f.outline} ${f.outlineWidth}px)`).join(', '));
  // Enter on a focused section goes there.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/settings$/);
});

test('keyboard only, phone: the Menu button opens the navigation, Tab walks it, Escape closes it', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  for (let i = 0; i < 10 && !(await menu.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(menu).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  expectVisibleFocus(await tabThroughNav(page, 10));
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeFocused();
});
