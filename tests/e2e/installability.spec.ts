import { chromium, expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumLaunch } from '../../playwright.config.ts';

test('Chromium finds the app installable (manifest, icons, service worker)', async ({ baseURL }) => {
  // A persistent profile: the default (incognito) context always reports the app as not installable.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-install-'));
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, baseURL });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    console.log('manifest:', manifest.url, 'errors:', JSON.stringify(manifest.errors));
    console.log('installability errors:', JSON.stringify(installabilityErrors));
    expect(manifest.errors).toEqual([]);
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('every icon the manifest names is a real PNG or SVG of the stated size', async ({ request }) => {
  const manifest = (await (await request.get('/manifest.webmanifest')).json()) as {
    icons: { src: string; sizes: string; type: string; purpose: string }[];
  };
  expect(manifest.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) {
    const response = await request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
    const body = await response.body();
    if (icon.type === 'image/png') {
      // PNG signature, then the IHDR chunk's width and height (big-endian) at bytes 16 and 20.
      expect(body.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(`${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
    } else {
      expect(body.toString('utf8')).toContain('<svg');
    }
  }
});
