import { expect, test } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVault, navigate } from './vault-screens.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments');

test('an empty "Lab values" section goes when a new record leaves "Lab result"', async ({ page }) => {
  test.setTimeout(90_000);
  await createVault(page);
  // An empty "Lab values" section goes when a new record leaves "Lab result", and comes back with it.
  await navigate(page, '/records/new');
  const category = page.locator('#record-category');
  const labValues = page.locator('fieldset.observations');
  await expect(category).toHaveValue('lab-result');
  await expect(labValues).toBeVisible();
  await category.selectOption('prescription');
  await expect(labValues).toHaveCount(0);
  await category.selectOption('lab-result');
  await expect(labValues.locator('.observation-row')).toHaveCount(1);
  // A row with something typed in stays in sight when the category changes: nothing is dropped unseen.
  await labValues.locator('input[id$="-name"]').fill('Ferritin');
  await category.selectOption('medical-report');
  await expect(labValues.locator('input[id$="-name"]')).toHaveValue('Ferritin');
});

test('the personal space says "Date", not "Date of care", in the form and on the record', async ({ page }) => {
  test.setTimeout(90_000);
  await createVault(page);
  const category = page.locator('#record-category');
  // The personal space holds the patient's own notes: its date is "Date", not "Date of care".
  await navigate(page, '/records/new?category=personal-space');
  await expect(page.locator('label[for="record-date"]')).toHaveText('Date');
  await category.selectOption('vaccination');
  await expect(page.locator('label[for="record-date"]')).toHaveText('Date of care');
  await category.selectOption('personal-space');
  await page.locator('#record-title').fill('Symptom diary');
  await page.locator('form.record-form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/records\/[0-9a-f]{32}$/);
  await expect(page.locator('.record-fields dt').first()).toHaveText('Date');
});

test('three saves, each adding a file, leave one "… was added" notice', async ({ page }) => {
  test.setTimeout(90_000);
  await createVault(page);
  await navigate(page, '/records/new?category=medical-report');
  await page.locator('#record-title').fill('Letter');
  await page.locator('form.record-form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/records\/[0-9a-f]{32}$/);
  const id = page.url().split('/').at(-1) ?? '';
  const files = ['utf8-bom.txt', 'square.png', 'report.pdf'];
  for (const [index, name] of files.entries()) {
    await navigate(page, `/records/${id}/edit`);
    await page.getByTestId('file-input').setInputFiles(path.join(FIXTURES, name));
    await page.locator('form.record-form button[type="submit"]').click();
    await expect(page).toHaveURL(new RegExp(`/records/${id}$`));
    await expect(page.locator('li.attachment')).toHaveCount(index + 1, { timeout: 30_000 });
    await expect(page.getByText(`${name} was added.`)).toBeVisible({ timeout: 30_000 });
  }
  await expect(page.getByText(/ was added\.$/)).toHaveCount(1);
});
