// Issue 6: nothing readable at rest. A journey through the real screens stores known strings (title, author,
// note, tag, a lab value, a file name, and a PDF whose text holds a unique word); then every IndexedDB
// database and object store of the origin is read back through the IndexedDB API of the page (no app code)
// and none of the strings may appear in it, as UTF-8, UTF-16LE or base64 of either, neither while unlocked
// nor after lock. A V8 heap snapshot after lock (the app replaces the page on lock) must hold none of them
// either. Two controls show each scan can fail: the relay origin, which the directory database and the
// membership genesis do hold in clear, is found by the IndexedDB scan, and a heap snapshot taken before lock
// does hold the title.
import { expect, test, type Page } from '@playwright/test';
import {
  addRecord,
  createVault,
  dumpFigures,
  dumpHaystacks,
  dumpIndexedDb,
  findEncodings,
  heapSnapshot,
  lockFromHeader,
  pinEnglish,
  textPdf,
  vaultStore,
  waitForUpload,
  waitUntilSaved,
  type DatabaseDump,
} from './support/vault-ui.ts';

test.use({ locale: 'en-US' });

const TITLE = 'Titre-unique-Zephyrine-4412';
const AUTHOR = 'Dr-Unique-Xanthippe-7730';
const ORGANISATION = 'Labo-unique-Orvieto-2291';
const TAG = 'tag-unique-Quokka-6604';
const NOTE = 'Note-unique-Brindille-9087 taken fasting';
const OBSERVATION_NAME = 'Analyte-unique-Corydon-3318';
const LAB_VALUE = 'HbA1c-7.3-unique';
const FILE_NAME = 'ordonnance-unique-nom.pdf';
const PDF_WORD = 'Motunique-Brontosaure-5531';

/** Every string that must never be stored readable. */
const SECRETS = [TITLE, AUTHOR, ORGANISATION, TAG, NOTE, OBSERVATION_NAME, LAB_VALUE, FILE_NAME, PDF_WORD];

/** Which secrets a set of haystacks holds, and in what form. */
function leaks(haystacks: readonly Buffer[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const secret of SECRETS) {
    const forms = findEncodings(haystacks, secret);
    if (forms.length > 0) found[secret] = forms;
  }
  return found;
}

/** localStorage and sessionStorage of the page, keys and values. */
async function webStorage(page: Page): Promise<Buffer[]> {
  const texts = await page.evaluate(() =>
    [localStorage, sessionStorage].flatMap((storage) =>
      Object.keys(storage).flatMap((key) => [key, storage.getItem(key) ?? '']),
    ),
  );
  return texts.map((text) => Buffer.from(text, 'utf8'));
}

/** Scans a dump: no secret anywhere; the control (the relay origin) found, also in the membership's bytes. */
function checkDump(dump: DatabaseDump[], origin: string, when: string): void {
  const haystacks = dumpHaystacks(dump);
  const figures = dumpFigures(dump);
  console.log(
    `IndexedDB ${when}: ${figures.databases} databases, ${figures.stores} stores, ${figures.rows} rows, ` +
      `${figures.bytes} bytes scanned for ${SECRETS.length} strings in 10 forms each; ` +
      `rows per store: ${dump.flatMap((db) => db.stores.map((store) => `${db.name.slice(0, 14)}/${store.name}=${store.keys.length}`)).join(' ')}`,
  );
  expect(leaks(haystacks), `secrets readable in IndexedDB ${when}`).toEqual({});
  // Control: the scan finds a string that is stored in clear, in a string column and inside signed bytes.
  expect(findEncodings(haystacks, origin)).toContain('utf-8');
  const membership = vaultStore(dump, 'membership');
  expect(membership.keys.length).toBeGreaterThan(0);
  expect(findEncodings(dumpHaystacks([{ name: '', version: 0, stores: [membership] }]), origin)).toContain('utf-8');
  // Every record row, file chunk and counter exists and was scanned.
  expect(vaultStore(dump, 'envelopes').keys.length).toBeGreaterThan(0);
  expect(vaultStore(dump, 'blobs').keys.length).toBeGreaterThan(0);
}

test('no known string is readable in IndexedDB (unlocked and locked) or in the heap after lock', async ({
  context,
  page,
  request,
}) => {
  test.setTimeout(300_000);
  await pinEnglish(context);
  // The relay origin the vault pins (the relay's own, from its descriptor), which is stored in clear.
  const descriptor = (await (await request.get('/.well-known/carnet-relay.json')).json()) as { origin: string };
  const origin = descriptor.origin;
  expect(origin).toMatch(/^https?:\/\//);

  await page.goto('/');
  await createVault(page);
  const recordId = await addRecord(page, {
    category: 'Lab result',
    title: TITLE,
    date: '2026-02-03',
    author: AUTHOR,
    organisation: ORGANISATION,
    tags: TAG,
    note: NOTE,
    observations: [{ name: OBSERVATION_NAME, value: LAB_VALUE, unit: 'mmol/mol' }],
    files: [{ name: FILE_NAME, mimeType: 'application/pdf', buffer: textPdf([`Prescription ${PDF_WORD}`]) }],
  });
  await waitForUpload(page, FILE_NAME, 'added');
  // The PDF is decrypted and drawn, its text given to screen readers: the word is in the page now.
  await expect(page.getByRole('region', { name: 'Page 1 of 1' })).toContainText(PDF_WORD, { timeout: 30_000 });
  await expect(page.getByRole('cell', { name: `${LAB_VALUE} mmol/mol` })).toBeVisible();
  await waitUntilSaved(page);
  expect(recordId).toMatch(/^[0-9a-f]{32}$/);

  // 1. Unlocked: IndexedDB and web storage hold none of the strings.
  checkDump(await dumpIndexedDb(page), origin, 'while unlocked');
  expect(leaks(await webStorage(page)), 'secrets in localStorage/sessionStorage').toEqual({});

  // 2. Control for the heap: before lock, the heap does hold the title (so the search can fail).
  const before = await heapSnapshot(page);
  const inHeapBefore = SECRETS.filter((secret) => before.includes(secret));
  console.log(`heap before lock: ${(before.length / 1e6).toFixed(1)} MB of JSON; holds ${inHeapBefore.join(', ')}`);
  expect(inHeapBefore).toContain(TITLE);

  // 3. Lock from the header: a fresh page, locked.
  await lockFromHeader(page);
  const after = await heapSnapshot(page);
  const inHeapAfter = SECRETS.filter((secret) => after.includes(secret));
  console.log(
    `heap after lock: ${(after.length / 1e6).toFixed(1)} MB of JSON; holds ${inHeapAfter.join(', ') || 'none of the strings'}`,
  );
  expect(inHeapAfter, 'secrets still in the JavaScript heap after lock').toEqual([]);
  // The snapshot is a real one: it has the strings of the locked screen.
  expect(after).toContain('Unlock Carnet');

  // 4. Locked: IndexedDB still holds none of them, and nothing about the record changed.
  checkDump(await dumpIndexedDb(page), origin, 'after lock');
  expect(leaks(await webStorage(page)), 'secrets in localStorage/sessionStorage after lock').toEqual({});
});
