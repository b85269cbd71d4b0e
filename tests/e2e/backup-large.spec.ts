// Issue 11 (PROTOCOL.md §18.6): a 1,000-record vault with 50 MB of files is saved as a backup in one browser
// profile and restored in another, offline, with every record, field and file identical. The harness page runs
// the real vault on Chromium's real IndexedDB and never talks to a relay; the app's own screens do the same
// journey offline in vault-journey.spec.ts. Long mode: 3,000 records and 150 MB.
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import { startHarnessServer, type HarnessServer } from './harness/harness-server.ts';

const LONG = process.env.CARNET_LONG === '1';
const RECORDS = LONG ? 3000 : 1000;
const FILES = LONG ? 150 : 50;
const FILE_BYTES = 1024 * 1024;
const PASS = 'a new passphrase for the restored browser';

let server: HarnessServer;
test.beforeAll(async () => {
  server = await startHarnessServer();
});
test.afterAll(async () => {
  await server.close();
});

test(`a backup of ${String(RECORDS)} records and ${String(FILES)} MB of files restores byte for byte in another profile, offline`, async ({
  browser,
}, testInfo) => {
  test.setTimeout(LONG ? 900_000 : 240_000);
  const seed = Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 0x7fffffff));
  console.log(`seed ${String(seed)} (replay: CARNET_SEED=${String(seed)})`);
  const started = Date.now();
  const times: string[] = [];
  const lap = (name: string): void => {
    times.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };

  const home = await browser.newContext({ acceptDownloads: true });
  const a = await home.newPage();
  await a.goto(server.url);
  await a.waitForFunction(() => document.title === 'ready');
  const { recoveryKey } = await a.evaluate(() => window.harness.createWithKit());
  await a.evaluate(
    ([s, r, f, b]) => window.harness.populate(s ?? 0, r ?? 0, f ?? 0, b ?? 0),
    [seed, RECORDS, FILES, FILE_BYTES],
  );
  lap('populated');
  const before = await a.evaluate(() => window.harness.contents());
  expect(Object.keys(before.files).length).toBe(FILES);
  lap('read back');
  const downloading = a.waitForEvent('download');
  const size = await a.evaluate(() => window.harness.saveBackup());
  const path = testInfo.outputPath('carnet-backup.carnet');
  await (await downloading).saveAs(path);
  expect((await fs.stat(path)).size).toBe(size);
  expect(size).toBeGreaterThan(FILES * FILE_BYTES);
  lap(`backup of ${String(size)} bytes`);
  await home.close();

  // Another profile: its own IndexedDB. The page is loaded once, then the network is gone.
  const away = await browser.newContext();
  const b = await away.newPage();
  await b.goto(server.url);
  await b.waitForFunction(() => document.title === 'ready');
  await away.setOffline(true);
  await b.locator('#backup').setInputFiles(path);
  // As a person types it back: no prefix, spaces between groups, lower case.
  const typed = recoveryKey.slice(4).replace(/-/g, ' ').toLowerCase();
  await b.evaluate(([key, pass]) => window.harness.restoreFromInput(key ?? '', pass ?? ''), [typed, PASS]);
  lap('restored');
  const after = await b.evaluate(() => window.harness.contents());
  lap('read back after the restore');
  expect(after.files).toEqual(before.files);
  expect(after.records.length).toBe(before.records.length);
  expect(after.records === before.records, 'every record and field is the same').toBe(true);
  console.log(`backup ${String(RECORDS)} records, ${String(FILES)} files: ${times.join(', ')}`);
  await away.close();
});
