import { expect, type Page } from '@playwright/test';

/**
 * Drives the vault screens through the UI the way a person would, with selectors that hold in every language
 * (field ids and test ids), for the accessibility, keyboard and screenshot specs.
 */

/** Strong enough for zxcvbn's score 4, so creation is never refused. */
export const PASSPHRASE = 'lamp river orange tuesday cactus';

export interface SampleRecord {
  category: string;
  title: string;
  date: string;
  author?: string;
  organisation?: string;
  level?: 'normal' | 'restricted' | 'secret';
  tags?: string;
  note?: string;
  observations?: { name: string; value: string; unit?: string; low?: string; high?: string }[];
}

export const LAB_RECORD: SampleRecord = {
  category: 'lab-result',
  title: 'Blood count',
  date: '2026-03-05',
  author: 'Dr Anne Martin',
  organisation: 'Laboratoire Central',
  tags: 'yearly check-up, fasting',
  note: 'Taken fasting, 8 am.',
  observations: [
    { name: 'Haemoglobin', value: '11.2', unit: 'g/dL', low: '12', high: '16' },
    { name: 'Leucocytes', value: '6.1', unit: 'G/L', low: '4', high: '10' },
  ],
};

export const PERSONAL_RECORD: SampleRecord = {
  category: 'personal-space',
  title: 'Symptom diary',
  date: '2026-02-14',
  level: 'secret',
  note: 'Headaches in the evening, three times this week.',
};

export const SAMPLE_RECORDS: readonly SampleRecord[] = [
  LAB_RECORD,
  {
    category: 'prescription',
    title: 'Iron supplement',
    date: '2026-03-07',
    author: 'Dr Anne Martin',
    level: 'restricted',
  },
  { category: 'vaccination', title: 'Tetanus booster', date: '2025-11-20', organisation: 'Pharmacie du Parc' },
  PERSONAL_RECORD,
];

/** Creates a vault from the onboarding screen and goes past the recovery kit; ends on the overview. */
export async function createVault(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.goto('/');
  await page.locator('#create-passphrase').fill(passphrase);
  await page.locator('#create-confirmation').fill(passphrase);
  await page.locator('form:has(#create-passphrase) button[type="submit"]').click();
  const kit = page.getByTestId('recovery-kit');
  await expect(kit).toBeVisible({ timeout: 60_000 });
  await kit.locator('input[type="checkbox"]').check();
  await kit.locator('button[type="submit"]').click();
  await expect(page.locator('#record-search')).toBeVisible();
}

/**
 * Moves to `path` inside the app, as a click on a link does. `page.goto` would load a fresh page, and a fresh
 * page is a locked vault.
 */
export async function navigate(page: Page, path: string): Promise<void> {
  await page.evaluate((target) => {
    const link = document.createElement('a');
    link.href = target;
    document.querySelector('#main-content')?.append(link);
    link.click();
    link.remove();
  }, path);
  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === path);
}

/** Adds a record through the form; ends on the record's page. Returns its id. */
export async function addRecord(page: Page, record: SampleRecord): Promise<string> {
  await navigate(page, `/records/new?category=${record.category}`);
  await page.locator('#record-category').selectOption(record.category);
  await page.locator('#record-title').fill(record.title);
  await page.locator('#record-date').fill(record.date);
  if (record.author !== undefined) await page.locator('#record-author').fill(record.author);
  if (record.organisation !== undefined) await page.locator('#record-organisation').fill(record.organisation);
  await page.locator(`input[name="level"][value="${record.level ?? 'normal'}"]`).check();
  if (record.tags !== undefined) await page.locator('#record-tags').fill(record.tags);
  if (record.note !== undefined) await page.locator('#record-note').fill(record.note);
  const observations = record.observations ?? [];
  for (const [index, observation] of observations.entries()) {
    const rows = page.locator('.observation-row');
    if ((await rows.count()) <= index) await page.locator('.observations > button').click();
    const row = rows.nth(index);
    await row.locator('input[id$="-name"]').fill(observation.name);
    await row.locator('input[id$="-value"]').fill(observation.value);
    if (observation.unit !== undefined) await row.locator('input[id$="-unit"]').fill(observation.unit);
    if (observation.low !== undefined) await row.locator('input[id$="-low"]').fill(observation.low);
    if (observation.high !== undefined) await row.locator('input[id$="-high"]').fill(observation.high);
  }
  await page.locator('form.record-form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/records\/[0-9a-f]{32}$/);
  await expect(page.locator('article.record h1')).toHaveText(record.title);
  return page.url().split('/').at(-1) ?? '';
}

/**
 * Sets the auto-lock to an hour: on a loaded machine a long test can pass five minutes without a click or a
 * key press (in-app navigation and axe runs are not activity), and the vault would lock itself mid-test.
 */
export async function keepUnlocked(page: Page): Promise<void> {
  await navigate(page, '/settings');
  await page.locator('#settings-autolock').selectOption('60');
  await navigate(page, '/');
}

/** Waits until every edit is committed (the status line says so, whatever the language). */
export async function waitUntilSaved(page: Page): Promise<void> {
  await expect(page.locator('.save-status-saved')).toBeVisible();
}
