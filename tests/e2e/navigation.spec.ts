// Issue 11, part 7: a PDF readable on a phone, a way back to the list the patient left, and unlocking back to
// the page the vault locked on. Screenshots go to test-results/screenshots/navigation-*.png for people to look at.
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectNoAxeViolation } from './support/axe.ts';
import {
  addRecord,
  createVault,
  dismissOfflineNotice,
  goToSection,
  lockFromHeader,
  PASSPHRASE,
  pinEnglish,
  submitUnlock,
  unlock,
  UNLOCK_TIMEOUT,
  waitForUpload,
  waitUntilSaved,
} from './support/vault-ui.ts';

const DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';
const REPORT_PDF = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments/report.pdf');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

test.use({ locale: 'en-US' });

/** The first page's canvas: its CSS width, its width in canvas pixels, and the screen's density. */
function canvasSize(page: Page): Promise<{ css: number; pixels: number; dpr: number }> {
  return page
    .locator('canvas.pdf-canvas')
    .first()
    .evaluate((element) => {
      const canvas = element as HTMLCanvasElement;
      return { css: canvas.getBoundingClientRect().width, pixels: canvas.width, dpr: devicePixelRatio };
    });
}

test('a PDF fits a phone at the screen density, zooms from buttons and keys, and pinch zoom is not blocked', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL, locale: 'en-US', ...PHONE });
  await pinEnglish(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${error.message}\n${error.stack ?? ''}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto('/');
  await createVault(page);
  await addRecord(page, { category: 'Lab result', title: 'HbA1c', date: '2024-03-05', files: [REPORT_PDF] });
  await waitForUpload(page, 'report.pdf', 'added');
  await expect(page.getByRole('region', { name: 'Page 1 of 1' })).toContainText('Hémoglobine', { timeout: 30_000 });
  await expect.poll(async () => (await canvasSize(page)).pixels).toBeGreaterThan(300);

  const fit = await canvasSize(page);
  console.log(`fit to width: ${JSON.stringify(fit)}`);
  expect(fit.dpr).toBe(3);
  expect(fit.css).toBeGreaterThanOrEqual(0.9 * 390);
  expect(fit.pixels).toBeGreaterThanOrEqual(Math.floor(fit.css * fit.dpr));
  // Pinch zoom: the viewport lets people scale, and nothing turns touch gestures off.
  const viewportMeta = (await page.locator('meta[name="viewport"]').getAttribute('content')) ?? '';
  expect(viewportMeta).not.toMatch(/user-scalable\s*=\s*(no|0)|maximum-scale/);
  for (const selector of ['html', 'body', '.pdf-pages', 'canvas.pdf-canvas']) {
    const touchAction = await page
      .locator(selector)
      .first()
      .evaluate((e) => getComputedStyle(e).touchAction);
    expect(`${selector}: ${touchAction}`).toBe(`${selector}: auto`);
  }
  await page.screenshot({ path: `${DIR}/navigation-phone-pdf-fit-en.png`, fullPage: true });

  const zoomIn = page.getByRole('button', { name: 'Zoom in' });
  const zoomOut = page.getByRole('button', { name: 'Zoom out' });
  for (const button of [zoomIn, zoomOut]) {
    const box = await button.boundingBox();
    expect(Math.min(box?.width ?? 0, box?.height ?? 0)).toBeGreaterThanOrEqual(44);
  }
  await zoomIn.click();
  await expect.poll(async () => (await canvasSize(page)).css).toBeGreaterThan(fit.css * 1.4);
  await expect(page.locator('.pdf-zoom-level')).toHaveText('150%');
  // The keyboard: Enter on the button, then "+" and "-" on the pages themselves.
  await zoomIn.press('Enter');
  await expect.poll(async () => (await canvasSize(page)).css).toBeGreaterThan(fit.css * 1.9);
  // The page is stretched at once and drawn again at the new size a moment later: wait for the sharp drawing.
  await expect
    .poll(async () => {
      const zoomed = await canvasSize(page);
      return zoomed.pixels - Math.floor(zoomed.css * zoomed.dpr);
    })
    .toBeGreaterThanOrEqual(0);
  await page.getByRole('group', { name: 'Size of the pages' }).evaluate((group) => group.scrollIntoView());
  await page.screenshot({ path: `${DIR}/navigation-phone-pdf-zoomed-en.png` });
  await page.getByRole('region', { name: 'Pages of report.pdf' }).press('-');
  await expect(page.locator('.pdf-zoom-level')).toHaveText('150%');
  await expectNoAxeViolation(page, 'record with a zoomed PDF, phone');
  await zoomOut.click();
  await expect.poll(async () => (await canvasSize(page)).css).toBeCloseTo(fit.css, 0);

  // The same screens in French and German, on the phone and on a desktop.
  for (const [locale, label] of [
    ['fr', 'Agrandir'],
    ['de', 'Vergrößern'],
  ] as const) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('#header-language').selectOption(locale);
    await page.getByRole('button', { name: label }).click();
    await page.screenshot({ path: `${DIR}/navigation-desktop-record-${locale}.png`, fullPage: true });
    await expectNoAxeViolation(page, `record with a PDF, desktop, ${locale}`);
    await page.setViewportSize(PHONE.viewport);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: `${DIR}/navigation-phone-record-${locale}.png`, fullPage: true });
  }
  expect(errors).toEqual([]);
  await context.close();
});

test('Back from a record, by its link or the browser, returns to the filters, search and scroll left', async ({
  context,
  page,
}) => {
  test.setTimeout(300_000);
  await pinEnglish(context);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await createVault(page);
  // The one-time "works without a network" notice appears in the page's flow when precaching ends (seconds in,
  // under load) and would push a link from under a click: it is dismissed first, as a person would.
  await dismissOfflineNotice(page);
  await addRecord(page, { category: 'Prescription', title: 'Ferritin tablets', date: '2026-01-02' });
  for (let n = 1; n <= 12; n++) {
    await addRecord(page, {
      category: 'Lab result',
      title: `Ferritin check ${n}`,
      date: `2025-${String(n).padStart(2, '0')}-10`,
    });
  }
  await waitUntilSaved(page);

  await goToSection(page, 'Overview');
  await page.getByLabel('Search your records').fill('ferritin');
  await page.getByText('Filter by type, date or author').click();
  await page.getByLabel('Type of record').selectOption({ label: 'Lab result' });
  await expect(page.getByText('Showing 12 of 13 records')).toBeVisible();
  await expect(page).toHaveURL(/\?category=lab-result$/);
  // Notices sit in the page's flow: one that ends while the test measures would move the list under it.
  await expect(page.getByRole('region', { name: 'Messages' }).getByRole('listitem')).toHaveCount(0, {
    timeout: 30_000,
  });
  const target = page.getByRole('link', { name: 'Ferritin check 2', exact: true });
  await target.scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => scrollY);
  expect(scrolled).toBeGreaterThan(300);

  const expectOverviewAsLeft = async (how: string): Promise<void> => {
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' }), how).toBeVisible();
    await expect(page, how).toHaveURL(/\/\?category=lab-result$/);
    await expect(page.getByLabel('Search your records'), how).toHaveValue('ferritin');
    await expect(page.getByLabel('Type of record'), how).toHaveValue('lab-result');
    await expect.poll(() => page.evaluate(() => scrollY), { message: how }).toBeGreaterThan(scrolled - 5);
    expect(await page.evaluate(() => scrollY), how).toBeLessThan(scrolled + 5);
  };

  await target.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ferritin check 2');
  await page.goBack();
  await expectOverviewAsLeft("the browser's back button");

  await target.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ferritin check 2');
  await page.screenshot({ path: `${DIR}/navigation-phone-back-link-en.png` });
  await page.getByRole('link', { name: 'Back' }).click({ timeout: 5000 });
  await expectOverviewAsLeft('the Back link');
});

test('unlocking returns to the page the vault locked on, and never to a planted address', async ({
  baseURL,
  context,
  page,
}) => {
  test.setTimeout(300_000);
  await pinEnglish(context);
  await page.goto('/');
  await createVault(page);
  const title = 'Cardiology letter';
  const id = await addRecord(page, { category: 'Medical report', title, date: '2026-02-01', note: 'Private.' });
  await waitUntilSaved(page);

  // Locked from the header on the record: the lock screen shows nothing of it; unlocking goes back to it.
  await lockFromHeader(page);
  expect(new URL(page.url()).pathname).toBe('/');
  await expect(page.locator('body')).not.toContainText(title);
  await expect(page.locator('body')).not.toContainText('Private.');
  await submitUnlock(page, { passphrase: PASSPHRASE });
  await expect(page).toHaveURL(new RegExp(`/records/${id}$`), { timeout: UNLOCK_TIMEOUT });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  // The record's address opened afresh (a reload, a bookmark): locked, then back to it once unlocked.
  await page.goto(`/records/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Unlock Carnet' })).toBeVisible({ timeout: UNLOCK_TIMEOUT });
  await submitUnlock(page, { passphrase: PASSPHRASE });
  await expect(page).toHaveURL(new RegExp(`/records/${id}$`), { timeout: UNLOCK_TIMEOUT });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  // A planted value and a `next` parameter lead nowhere: unlocking ends on the overview, on this origin.
  await page.goto('/?next=//evil.example');
  await page.evaluate(() => sessionStorage.setItem('carnet-return-after-unlock', '//evil.example'));
  await unlock(page, { passphrase: PASSPHRASE });
  const url = new URL(page.url());
  expect(url.origin).toBe(new URL(baseURL ?? '').origin);
  expect(url.pathname).toBe('/');
  expect(await page.evaluate(() => sessionStorage.getItem('carnet-return-after-unlock'))).toBeNull();
});
