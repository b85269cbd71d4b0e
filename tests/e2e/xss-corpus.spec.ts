// Issue 6: an XSS payload corpus typed into every text field of the record form (title, author, organisation,
// tags, note, a lab value's name, result and unit) and used as an attachment's file name, through the real
// screens. Then each record is viewed, the overview is listed and searched for parts of the payloads. No
// payload may run (window.__pwned stays undefined, no dialog opens), no Trusted Types or CSP violation may be
// reported, no element or attribute may be injected, and every payload must show literally, as text.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addRecord, createVault, goToSection, pinEnglish, waitForUpload, waitUntilSaved } from './support/vault-ui.ts';

test.use({ locale: 'en-US' });

const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload="window.__pwned=1">',
  'javascript:window.__pwned=1',
  '"><iframe src="javascript:window.__pwned=1">',
  "{{constructor.constructor('window.__pwned=1')()}}",
  '<a href="javascript:window.__pwned=1">x</a>',
  "'-alert(1)-'",
  '[x](javascript:alert(1))',
  '<details open ontoggle="window.__pwned=1">',
  '${window.__pwned=1}<style>*{display:none}</style>',
] as const;

const PDF = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments/report.pdf'));
/** The attachment's name: a payload that is also a valid-looking file name. */
const fileName = (payload: string): string => `${payload}.pdf`;

interface Watch {
  dialogs: string[];
  consoleErrors: string[];
}

function watch(page: Page): Watch {
  const seen: Watch = { dialogs: [], consoleErrors: [] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(`pageerror: ${error.message}`));
  return seen;
}

/** Nothing ran and nothing was injected in the page as it is now. */
async function expectNothingRan(page: Page, seen: Watch, where: string): Promise<void> {
  const state = await page.evaluate(() => {
    const main = document.querySelector('main');
    const elements = [...(main?.querySelectorAll('*') ?? [])];
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      violations: (window as unknown as { __violations?: string[] }).__violations ?? [],
      injected: elements
        .filter(
          (element) =>
            ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE'].includes(element.tagName) ||
            (element.tagName === 'IMG' && !(element as HTMLImageElement).src.startsWith('blob:')) ||
            (element.tagName === 'svg' && element.hasAttribute('onload')) ||
            [...element.attributes].some(
              (attribute) =>
                attribute.name.startsWith('on') ||
                attribute.name === 'srcdoc' ||
                // URL attributes only: an <option value="javascript:…"> of the author filter is just text.
                (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attribute.name) &&
                  /^\s*javascript:/i.test(attribute.value)),
            ),
        )
        .map((element) => element.outerHTML.slice(0, 120)),
      hidden: getComputedStyle(document.body).display === 'none',
    };
  });
  expect(state.pwned, `${where}: window.__pwned`).toBeUndefined();
  expect(state.violations, `${where}: CSP / Trusted Types violations`).toEqual([]);
  expect(state.injected, `${where}: injected elements or attributes`).toEqual([]);
  expect(state.hidden, `${where}: an injected style hid the page`).toBe(false);
  expect(seen.dialogs, `${where}: dialogs`).toEqual([]);
  expect(
    seen.consoleErrors.filter((text) => /trusted ?type|TrustedHTML|TrustedScript|Content Security Policy/i.test(text)),
    `${where}: Trusted Types / CSP console errors`,
  ).toEqual([]);
}

/** On a record page: every field shows the payload as text. */
async function expectRecordLiteral(page: Page, payload: string): Promise<void> {
  const article = page.getByRole('article');
  await expect(article.getByRole('heading', { level: 1 })).toHaveText(payload);
  const terms = ['Author', 'Organisation'];
  for (const term of terms) {
    await expect(
      article
        .locator('dl > div')
        .filter({ has: page.getByRole('term').getByText(term, { exact: true }) })
        .getByRole('definition'),
    ).toHaveText(payload);
  }
  await expect(article.getByRole('listitem').filter({ hasText: payload }).first()).toHaveText(payload);
  await expect(article.getByRole('region', { name: 'Note' }).getByText(payload, { exact: true })).toBeVisible();
  const row = article.getByRole('table', { name: 'Lab values' }).getByRole('row').nth(1);
  await expect(row.getByRole('rowheader')).toHaveText(payload);
  await expect(row.getByRole('cell').first()).toHaveText(`${payload} ${payload}`);
  await expect(article.getByText(fileName(payload), { exact: true }).first()).toBeVisible();
  await expect(page).toHaveTitle(`${payload} · Carnet`);
}

test('XSS payloads in every text field and in a file name render as text and run nothing', async ({
  context,
  page,
}) => {
  test.setTimeout(420_000);
  const started = Date.now();
  await pinEnglish(context);
  await context.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`);
    });
  });
  const seen = watch(page);

  await page.goto('/');
  await createVault(page);
  const ids = new Map<string, string>();
  for (const [index, payload] of PAYLOADS.entries()) {
    const id = await addRecord(page, {
      category: 'Lab result',
      title: payload,
      date: `2026-01-${String(index + 1).padStart(2, '0')}`,
      author: payload,
      organisation: payload,
      tags: payload,
      note: payload,
      observations: [{ name: payload, value: payload, unit: payload }],
      files: [{ name: fileName(payload), mimeType: 'application/pdf', buffer: PDF }],
    });
    ids.set(payload, id);
    await waitForUpload(page, fileName(payload), 'added');
    await expect(page.getByRole('region', { name: 'Page 1 of 1' })).toBeVisible({ timeout: 30_000 });
    await expectRecordLiteral(page, payload);
    await expectNothingRan(page, seen, `record ${index + 1} after saving`);
  }
  await waitUntilSaved(page);

  // The overview lists every payload as a link's text.
  await goToSection(page, 'Overview');
  for (const payload of PAYLOADS) {
    await expect(page.getByRole('link', { name: payload, exact: true })).toHaveText(payload);
  }
  await expectNothingRan(page, seen, 'overview');

  // Search for parts of the payloads: the matches show literally too.
  const search = page.getByRole('searchbox', { name: 'Search your records' });
  for (const [query, expected] of [
    ['onerror', ['<img src=x onerror="window.__pwned=1">']],
    ['<script>', ['<script>window.__pwned=1</script>']],
    ['constructor', ["{{constructor.constructor('window.__pwned=1')()}}"]],
    ['alert(1)', ["'-alert(1)-'", '[x](javascript:alert(1))']],
    ['iframe', ['"><iframe src="javascript:window.__pwned=1">']],
  ] as const) {
    await search.fill(query);
    await expect(page.getByRole('status').filter({ hasText: /^Showing / })).toHaveText(
      `Showing ${expected.length} of ${PAYLOADS.length} records`,
    );
    for (const payload of expected) {
      await expect(page.getByRole('link', { name: payload, exact: true })).toBeVisible();
    }
    await expectNothingRan(page, seen, `search "${query}"`);
  }
  await search.fill('');

  // Two records once more, opened from the overview (each was checked on its page when saved), and one in the
  // edit form, where the fields hold the payload.
  for (const payload of PAYLOADS.slice(0, 2)) {
    await page.getByRole('link', { name: payload, exact: true }).click();
    await expectRecordLiteral(page, payload);
    await expect(page.getByRole('region', { name: 'Page 1 of 1' })).toBeVisible({ timeout: 30_000 });
    await expectNothingRan(page, seen, `record view ${payload}`);
    await goToSection(page, 'Overview');
  }
  const last = PAYLOADS[PAYLOADS.length - 1] ?? '';
  await page.getByRole('link', { name: last, exact: true }).click();
  await page.getByRole('link', { name: 'Edit' }).click();
  const form = page.locator('form.record-form');
  for (const label of ['Title', 'Author', 'Organisation', 'Tags', 'Note', 'Name', 'Result', 'Unit']) {
    await expect(form.getByLabel(label, { exact: true })).toHaveValue(last);
  }
  await expectNothingRan(page, seen, 'edit form');
  console.log(
    `${PAYLOADS.length} payloads x 9 fields (title, author, organisation, tags, note, lab name/result/unit, file name); ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s; console errors seen: ${seen.consoleErrors.length}${seen.consoleErrors.length > 0 ? `\n${seen.consoleErrors.join('\n')}` : ''}`,
  );
  expect(ids.size).toBe(PAYLOADS.length);
});
