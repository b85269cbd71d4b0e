// Shared steps of the UI journeys of issue 6 (vault-journey, at-rest, xss-corpus, bad-input, lock): they drive
// the real screens of the built app the way a person does, by accessible role and English name
// (web/lib/i18n/messages/en.ts), and read the origin's IndexedDB back through the IndexedDB API of the page.
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import zlib from 'node:zlib';

/** zxcvbn score 4, far from anything Carnet-related, so creation is never refused as weak. */
export const PASSPHRASE = 'violet harbour pencil nineteen glacier';
/**
 * The default KDF (256 MiB Argon2id) takes one to two seconds on an idle machine, but CI machines are shared:
 * with other browsers busy on two cores one derivation has taken over 30 s.
 */
export const UNLOCK_TIMEOUT = 60_000;
/** Creation derives the key once and writes the first rows: a little longer than an unlock. */
export const CREATE_TIMEOUT = 90_000;
/** The language the app remembers (i18n.config.js `localStorageKey`). */
export const LANGUAGE_STORAGE_KEY = 'carnet-language';

/** Pins the UI to English in every page of the context, whatever the browser's languages say. */
export async function pinEnglish(context: BrowserContext): Promise<void> {
  await context.addInitScript((key) => {
    try {
      localStorage.setItem(key, 'en');
    } catch {
      // about:blank and other opaque origins have no storage.
    }
  }, LANGUAGE_STORAGE_KEY);
}

/** What the recovery kit screen showed, read from the page. */
export interface KitText {
  recoveryKey: string;
  vaultId: string;
}

/** On the onboarding screen: creates a vault, reads the recovery kit, confirms it, and ends on the overview. */
export async function createVault(page: Page, passphrase = PASSPHRASE): Promise<KitText> {
  // The first load of a page on a busy machine: the app opens IndexedDB before it knows which screen to show.
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible({
    timeout: 30_000,
  });
  await page.getByLabel('Choose a passphrase').fill(passphrase);
  await page.getByLabel('Type the passphrase again').fill(passphrase);
  await page.getByRole('button', { name: 'Create my record' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery kit' })).toBeVisible({
    timeout: CREATE_TIMEOUT,
  });
  const kit = page.getByTestId('recovery-kit');
  const values = kit.locator('dd');
  const recoveryKey = (await values.nth(0).textContent())?.trim() ?? '';
  const vaultId = (await values.nth(1).textContent())?.trim() ?? '';
  expect(recoveryKey).not.toBe('');
  await page.getByLabel('I have saved my recovery kit').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  return { recoveryKey, vaultId };
}

/**
 * On the unlock screen: unlocks with the passphrase or the recovery key; ends on the page the vault locked on
 * (issue 11), whose title is `heading`: the overview unless the lock, or the reload, happened elsewhere. After
 * the recovery key, it answers "Not now" to the offer of a new passphrase first.
 */
export async function unlock(
  page: Page,
  secret: { passphrase: string } | { recoveryKey: string },
  heading = 'Overview',
): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Unlock Carnet' })).toBeVisible({
    timeout: UNLOCK_TIMEOUT,
  });
  await submitUnlock(page, secret);
  if ('recoveryKey' in secret) {
    await expect(page.getByRole('heading', { level: 1, name: 'Set a new passphrase' })).toBeVisible({
      timeout: UNLOCK_TIMEOUT,
    });
    await page.getByRole('button', { name: 'Not now' }).click();
  }
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible({ timeout: UNLOCK_TIMEOUT });
}

/** Fills and submits the unlock form without waiting for the outcome (a wrong secret stays on the screen). */
export async function submitUnlock(
  page: Page,
  secret: { passphrase: string } | { recoveryKey: string },
): Promise<void> {
  if ('passphrase' in secret) {
    if (!(await page.getByLabel('Passphrase', { exact: true }).isVisible())) {
      await page.getByRole('button', { name: 'Use my passphrase' }).click();
    }
    await page.getByLabel('Passphrase', { exact: true }).fill(secret.passphrase);
  } else {
    if (!(await page.getByLabel('Recovery key').isVisible())) {
      await page.getByRole('button', { name: 'Use my recovery key' }).click();
    }
    await page.getByLabel('Recovery key').fill(secret.recoveryKey);
  }
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

/** Presses the header's Lock button; the app replaces the page with a fresh, locked one. */
export async function lockFromHeader(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Unlock Carnet' })).toBeVisible({
    timeout: UNLOCK_TIMEOUT,
  });
}

/** Follows a link of the main navigation, opening the phone menu first when the navigation is folded. */
export async function goToSection(page: Page, name: string): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
  await link.click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** Bytes with a name, as Playwright gives them to a file input (FilePayload). */
export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}
/** A file given to an input: a path on disk or bytes with a name. */
export type FileInput = string | FilePayload;

export interface RecordInput {
  /** The category's label in the form's "Type of record" list; personal-space records start from that space. */
  category: string;
  title: string;
  /** yyyy-mm-dd. */
  date: string;
  author?: string;
  organisation?: string;
  /** The sharing level's name in the form (web/lib/i18n/messages/en.ts `level_*`). */
  level?: 'Shared as usual' | 'Shared one by one' | 'Never shared';
  tags?: string;
  note?: string;
  observations?: { name: string; value: string; unit?: string; low?: string; high?: string }[];
  /** Picked with "Choose files": paths on disk (picked together), then bytes with names (picked together). */
  files?: FileInput[];
  /** Given to "Take a photo" (the camera input), through the file chooser it opens. */
  photo?: FileInput;
  /** Runs on the form once every picked file is checked, before saving: refused files are said there. */
  onPicked?: (form: Locator) => Promise<void>;
}

export const PERSONAL_SPACE = 'Personal space';

/**
 * Adds a record through the form, from the overview's "Add a record" (or the personal space's own button),
 * and ends on the record's page. Returns the record id from the address. Files are encrypted after the save,
 * on the record page: wait for them with {@link waitForUpload}.
 */
export async function addRecord(page: Page, record: RecordInput): Promise<string> {
  if (record.category === PERSONAL_SPACE) {
    await goToSection(page, PERSONAL_SPACE);
    await page.getByRole('link', { name: 'Add to my personal space' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Add to my personal space' })).toBeVisible();
  } else {
    await goToSection(page, 'Overview');
    await page.getByRole('link', { name: 'Add a record' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Add a record' })).toBeVisible();
  }
  const form = page.locator('form.record-form');
  await form.getByLabel('Type of record', { exact: true }).selectOption({ label: record.category });
  await form.getByLabel('Title', { exact: true }).fill(record.title);
  // The personal space speaks plainly: its date is "Date", a record of care's is "Date of care".
  await form
    .getByLabel(record.category === PERSONAL_SPACE ? 'Date' : 'Date of care', { exact: true })
    .fill(record.date);
  if (record.author !== undefined) await form.getByLabel('Author', { exact: true }).fill(record.author);
  if (record.organisation !== undefined)
    await form.getByLabel('Organisation', { exact: true }).fill(record.organisation);
  await form.getByRole('radio', { name: new RegExp(`^${record.level ?? 'Shared as usual'}`) }).check();
  if (record.tags !== undefined) await form.getByLabel('Tags', { exact: true }).fill(record.tags);
  if (record.note !== undefined) await form.getByLabel('Note', { exact: true }).fill(record.note);
  for (const [index, observation] of (record.observations ?? []).entries()) {
    const row = form.getByRole('group', { name: `Value ${index + 1}`, exact: true });
    if (!(await row.isVisible())) await form.getByRole('button', { name: 'Add a lab value' }).click();
    await row.getByLabel('Name', { exact: true }).fill(observation.name);
    await row.getByLabel('Result', { exact: true }).fill(observation.value);
    if (observation.unit !== undefined) await row.getByLabel('Unit', { exact: true }).fill(observation.unit);
    if (observation.low !== undefined) await row.getByLabel('Normal from', { exact: true }).fill(observation.low);
    if (observation.high !== undefined) await row.getByLabel('Normal up to', { exact: true }).fill(observation.high);
  }
  const files = record.files ?? [];
  const picks = [
    files.filter((file): file is string => typeof file === 'string'),
    files.filter((file): file is FilePayload => typeof file !== 'string'),
  ];
  for (const pick of picks) {
    if (pick.length === 0) continue;
    const chooser = page.waitForEvent('filechooser');
    await form.getByRole('button', { name: 'Choose files' }).click();
    await (await chooser).setFiles(pick);
  }
  if (record.photo !== undefined) {
    const chooser = page.waitForEvent('filechooser');
    await form.getByRole('button', { name: 'Take a photo' }).click();
    const camera = await chooser;
    // The button opens the camera input: one picture, from the camera where the device has one.
    expect(await camera.element().getAttribute('capture')).toBe('environment');
    expect(camera.isMultiple()).toBe(false);
    await camera.setFiles(record.photo);
  }
  // Picked files are checked at once; a refused one stays in the form's list with its reason.
  await expect(form.getByText('Checking…')).toHaveCount(0, { timeout: 60_000 });
  await record.onPicked?.(form);
  await form.getByRole('button', { name: 'Save the record' }).click();
  await expect(page).toHaveURL(/\/records\/[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(record.title.trim());
  return new URL(page.url()).pathname.split('/').at(-1) ?? '';
}

/** In the record form: the alert saying a picked file cannot be added, with its reason. */
export async function refusedOnPick(form: Locator, name: string): Promise<Locator> {
  const message = form.getByRole('alert').filter({ hasText: `${name} cannot be added.` });
  await expect(message).toBeVisible({ timeout: 60_000 });
  return message;
}

/** On a record page: waits until the file is stored ("… was added.") or refused ("… was not added."). */
export async function waitForUpload(page: Page, name: string, outcome: 'added' | 'refused'): Promise<Locator> {
  const uploads = page.getByRole('list', { name: 'Files being added' });
  const message =
    outcome === 'added'
      ? uploads.getByRole('status').filter({ hasText: `${name} was added.` })
      : uploads.getByRole('alert').filter({ hasText: `${name} was not added.` });
  await expect(message).toBeVisible({ timeout: 60_000 });
  return message;
}

/**
 * Waits for the service worker's one-time "works without a network" notice (a fresh context installs the worker)
 * and dismisses it, so it cannot shift the page under a later click when it appears or fades.
 */
export async function dismissOfflineNotice(page: Page): Promise<void> {
  const notice = page.getByRole('region', { name: 'Messages' }).getByRole('listitem').filter({
    hasText: 'Carnet now works without a network.',
  });
  await expect(notice).toBeVisible({ timeout: 60_000 });
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
}

/** Waits until every edit is committed to IndexedDB (the header says "Saved on this device"). */
export async function waitUntilSaved(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Save status' })).toContainText('Saved on this device');
}

/** Opens a record from the overview's timeline by its title. */
export async function openRecordFromOverview(page: Page, title: string): Promise<void> {
  await goToSection(page, 'Overview');
  await page.getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
}

// ---- IndexedDB, read back through the page ---------------------------------------------------------------

/** A stored value made JSON-safe: byte arrays and blobs become `{ $bytes: base64 }`. */
export type Dumped =
  | string
  | number
  | boolean
  | null
  | { $undefined: true }
  | { $bytes: string; type: string }
  | { $date: number }
  | Dumped[]
  | { [key: string]: Dumped };

export interface StoreDump {
  name: string;
  keys: Dumped[];
  values: Dumped[];
}
export interface DatabaseDump {
  name: string;
  version: number;
  stores: StoreDump[];
}

/**
 * Every IndexedDB database of the page's origin, every object store, every key and value (getAllKeys and
 * getAll), read through the IndexedDB API of the page, with no app code involved.
 */
export async function dumpIndexedDb(page: Page): Promise<DatabaseDump[]> {
  return page.evaluate(async () => {
    const base64 = (bytes: Uint8Array): string => {
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return btoa(binary);
    };
    const encode = async (value: unknown): Promise<unknown> => {
      if (value === undefined) return { $undefined: true };
      if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
      if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
      if (typeof value === 'bigint') return String(value);
      if (value instanceof ArrayBuffer) return { $bytes: base64(new Uint8Array(value)), type: 'ArrayBuffer' };
      if (ArrayBuffer.isView(value)) {
        const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        return { $bytes: base64(bytes), type: value.constructor.name };
      }
      if (value instanceof Blob) {
        return { $bytes: base64(new Uint8Array(await value.arrayBuffer())), type: 'Blob' };
      }
      if (value instanceof Date) return { $date: value.getTime() };
      if (Array.isArray(value)) return Promise.all(value.map(encode));
      if (value instanceof Map) return Promise.all([...value.entries()].map(encode));
      if (value instanceof Set) return Promise.all([...value.values()].map(encode));
      if (typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) out[key] = await encode(inner);
        return out;
      }
      return Object.prototype.toString.call(value);
    };
    const request = <T>(req: IDBRequest<T>): Promise<T> =>
      new Promise((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
      });
    const open = (name: string): Promise<IDBDatabase> =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error(`cannot open ${name}`));
        // Only existing databases are listed; an upgrade here would mean the name is new: leave it empty.
        req.onupgradeneeded = () => undefined;
      });
    const databases = await indexedDB.databases();
    const dump = [];
    for (const info of databases.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
      if (info.name === undefined) continue;
      const db = await open(info.name);
      try {
        const stores = [];
        for (const storeName of [...db.objectStoreNames].sort()) {
          const store = db.transaction(storeName, 'readonly').objectStore(storeName);
          const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
          stores.push({ name: storeName, keys: await encode(keys), values: await encode(values) });
        }
        dump.push({ name: info.name, version: db.version, stores });
      } finally {
        db.close();
      }
    }
    return dump;
  }) as Promise<DatabaseDump[]>;
}

/** Rows of one store of the vault database (the `carnet-v1-<id>` one), by store name. */
export function vaultStore(dump: DatabaseDump[], storeName: string): StoreDump {
  const vaultDb = dump.find((db) => /^carnet-v1-[0-9a-f]{32}$/.test(db.name));
  const store = vaultDb?.stores.find((candidate) => candidate.name === storeName);
  if (store === undefined) throw new Error(`no ${storeName} store in ${dump.map((db) => db.name).join(', ')}`);
  return store;
}

/** Every string and byte array in a dump (database and store names, keys, values), as bytes to search. */
export function dumpHaystacks(dump: DatabaseDump[]): Buffer[] {
  const out: Buffer[] = [];
  const walk = (value: Dumped): void => {
    if (typeof value === 'string') out.push(Buffer.from(value, 'utf8'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      if ('$bytes' in value && typeof value.$bytes === 'string') out.push(Buffer.from(value.$bytes, 'base64'));
      else {
        for (const [key, inner] of Object.entries(value)) {
          out.push(Buffer.from(key, 'utf8'));
          walk(inner);
        }
      }
    }
  };
  for (const db of dump) {
    out.push(Buffer.from(db.name, 'utf8'));
    for (const store of db.stores) {
      out.push(Buffer.from(store.name, 'utf8'));
      store.keys.forEach(walk);
      store.values.forEach(walk);
    }
  }
  return out;
}

/** The base64 characters that depend only on `bytes`, for each of the three alignments it can have. */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = text.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6));
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/**
 * Where `needle` appears in the haystacks: as UTF-8, as UTF-16LE, or base64 (standard or URL alphabet, any
 * alignment) of either. An empty list means nowhere.
 */
export function findEncodings(haystacks: readonly Buffer[], needle: string): string[] {
  const utf8 = Buffer.from(needle, 'utf8');
  const utf16 = Buffer.from(needle, 'utf16le');
  const forms: [string, Buffer][] = [
    ['utf-8', utf8],
    ['utf-16le', utf16],
    ...base64Cores(utf8).map((core): [string, Buffer] => ['base64(utf-8)', Buffer.from(core, 'latin1')]),
    ...base64Cores(utf16).map((core): [string, Buffer] => ['base64(utf-16le)', Buffer.from(core, 'latin1')]),
  ];
  const found = new Set<string>();
  for (const haystack of haystacks) {
    for (const [label, form] of forms) if (haystack.includes(form)) found.add(label);
  }
  return [...found];
}

/** Total bytes and rows of a dump, for the report. */
export function dumpFigures(dump: DatabaseDump[]): { databases: number; stores: number; rows: number; bytes: number } {
  let stores = 0;
  let rows = 0;
  let bytes = 0;
  for (const db of dump) {
    for (const store of db.stores) {
      stores++;
      rows += store.keys.length;
    }
  }
  for (const haystack of dumpHaystacks(dump)) bytes += haystack.length;
  return { databases: dump.length, stores, rows, bytes };
}

// ---- Files ------------------------------------------------------------------------------------------------

/**
 * A one-page PDF 1.7 showing `lines` in Helvetica, with an uncompressed content stream (so the words are in
 * the file's bytes as written) and an exact cross-reference table (the approach of
 * tests/fixtures/attachments/make-fixtures.mjs). Lines must be printable ASCII without parentheses.
 */
export function textPdf(lines: readonly string[]): Buffer {
  const content = lines.map((line, i) => `BT /F1 16 Tf 50 ${760 - i * 28} Td (${line}) Tj ET`).join('\n');
  const bodies = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG whose signature, IHDR and IEND are right (the vault's structural check passes) but whose image data
 * is not a deflate stream: no decoder can draw it.
 */
export function undecodablePng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(16, 0);
  header.writeUInt32BE(16, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from('this is not a deflate stream, no pixels here', 'latin1')),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A PNG frame from the camera, as the page sees it: getUserMedia (Chromium's fake device under
 * --use-fake-device-for-media-stream) into a <video>, drawn on a canvas, exported as PNG.
 */
export async function photoFromFakeCamera(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    try {
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      // The fake device draws a moving pattern: wait for a few frames so the picture is not blank.
      await new Promise<void>((resolve) => {
        let frames = 0;
        const next = (): void => {
          if (++frames >= 5) resolve();
          else video.requestVideoFrameCallback(next);
        };
        video.requestVideoFrameCallback(next);
      });
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d')?.drawImage(video, 0, 0);
      video.pause();
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
      if (blob === null) throw new Error('the canvas gave no PNG');
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    } finally {
      for (const track of stream.getTracks()) track.stop();
    }
  });
  return Buffer.from(base64, 'base64');
}

// ---- Heap ---------------------------------------------------------------------------------------------------

/**
 * A V8 heap snapshot of the page's JavaScript heap, as its JSON text (which holds every string of the heap in
 * its `strings` table), after a full garbage collection; both through the DevTools protocol.
 */
export async function heapSnapshot(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    await cdp.send('HeapProfiler.disable');
    return chunks.join('');
  } finally {
    await cdp.detach();
  }
}
