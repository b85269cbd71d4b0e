import { expect, test, type Page } from '@playwright/test';
import { createVault, PASSPHRASE } from './vault-screens.ts';

/** The sections of the navigation (web/lib/nav/nav-items.ts): there only once a vault is open. */
const NAV_PATHS = ['/', '/records', '/personal', '/sharing', '/access-log', '/people', '/settings'];

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
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await createVault(page);
  await page.locator('#main-content h1').focus();
  await page.keyboard.press('Shift+Tab');
  const seen = await tabThroughNav(page, 30);
  expectVisibleFocus(seen);
  console.log('focused:', [...seen.values()].map((f) => `${f.href} (${f.outline} ${f.outlineWidth}px)`).join(', '));
  // Enter on a focused section goes there, and focus lands on its title.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
});

test('keyboard only: create a vault, save the kit, add a record, lock and unlock, never touching the mouse', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible();
  const passphrase = page.getByLabel('Choose a passphrase');
  for (let i = 0; i < 15 && !(await passphrase.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(passphrase).toBeFocused();
  await page.keyboard.type(PASSPHRASE);
  await page.keyboard.press('Tab'); // Show
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Type the passphrase again')).toBeFocused();
  await page.keyboard.type(PASSPHRASE);
  await page.keyboard.press('Enter');
  // The kit: its title takes focus; tick the box with Space, continue with Enter.
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery kit' })).toBeFocused({
    timeout: 60_000,
  });
  const saved = page.getByRole('checkbox', { name: 'I have saved my recovery kit' });
  for (let i = 0; i < 10 && !(await saved.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Space');
  await expect(saved).toBeChecked();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeFocused();

  // Add a record from the overview's button.
  const add = page.getByRole('link', { name: 'Add a record' });
  for (let i = 0; i < 10 && !(await add.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Add a record' })).toBeFocused();
  const title = page.getByLabel('Title');
  for (let i = 0; i < 10 && !(await title.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type('Blood count');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Blood count' })).toBeFocused();

  // Lock from the header, then unlock with the passphrase.
  const lock = page.getByRole('banner').getByRole('button', { name: 'Lock' });
  await lock.focus();
  await page.keyboard.press('Enter');
  const field = page.getByLabel('Passphrase', { exact: true });
  await expect(field).toBeVisible();
  for (let i = 0; i < 10 && !(await field.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type(PASSPHRASE);
  await page.keyboard.press('Enter');
  // Unlocking returns to the record the vault locked on (issue 11), its title focused.
  await expect(page.getByRole('heading', { level: 1, name: 'Blood count' })).toBeFocused({ timeout: 60_000 });
  await expect(page.getByRole('link', { name: 'Back' })).toBeVisible();
});

test('keyboard only, phone: the Menu button opens the navigation, Tab walks it, Escape closes it', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await createVault(page);
  await page.keyboard.press('Escape');
  await page.locator('body').focus();
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  for (let i = 0; i < 10 && !(await menu.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(menu).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  expectVisibleFocus(await tabThroughNav(page, 15));
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeFocused();
});
