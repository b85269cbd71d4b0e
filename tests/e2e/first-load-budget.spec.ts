// Issue 13's budget as a guard: the JavaScript a new visitor's browser fetches until the passphrase field shows
// weighs at most 150 KB gzipped. Bytes, not time, so it is exact on any machine (the timings are in
// `npm run bench -- first-load`). A merge once pulled libsodium and the vault core into the first screen through
// one import of the crypto index (260 KB); this test would have failed on it.
import zlib from 'node:zlib';
import { expect, test } from '@playwright/test';

const BUDGET = 150 * 1024;

test('the first screen fetches at most 150 KB of JavaScript (gzipped) before the passphrase field shows', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.locator('#create-passphrase')).toBeVisible();
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => new URL(name).pathname.endsWith('.js')),
  );
  let gzipped = 0;
  for (const url of scripts) {
    const body = await (await page.request.get(url)).body();
    gzipped += zlib.gzipSync(body, { level: 9 }).length;
  }
  console.log(
    `first screen: ${scripts.length} JavaScript files, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget 150 KB)`,
  );
  expect(scripts.length).toBeGreaterThan(0);
  expect(gzipped).toBeLessThanOrEqual(BUDGET);
});
