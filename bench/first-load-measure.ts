// One measurement of `npm run bench -- first-load`: a freshly launched Chromium over a fresh profile loads `/`
// and we note the moment the passphrase field is usable, and every JavaScript file requested before it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import type { ServedApp } from './first-load-apps.ts';

export type Screen = 'onboarding' | 'unlock';
export type Network = 'unthrottled' | 'slow-4G';

export interface LoadFigures {
  /** Milliseconds from the start of navigation to the frame that shows a usable passphrase field. */
  usableMs: number;
  files: number;
  /** Bytes of the files as the page runs them. */
  rawBytes: number;
  /** What those files weigh gzipped (level 9), whatever the server sent: the yardstick. */
  gzipBytes: number;
  /** Bytes received for them, headers included (compressed when the server compressed). */
  wireBytes: number;
}

/**
 * Lighthouse's mobile "slow 4G" as DevTools applies it (lighthouse-core throttling constants, devtools method):
 * 150 ms RTT and 1.6 Mbps down, scaled by its own adjustment factors; CPU 4x slower.
 */
const SLOW_4G = {
  latency: 150 * 3.75,
  downloadThroughput: (1.6 * 1024 * 0.9 * 1024) / 8,
  uploadThroughput: (750 * 0.9 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;
/** A phone's screen (Lighthouse's Moto G Power). */
const PHONE = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true };
export const BENCH_PASSPHRASE = 'lantern orbit meadow ninety quartz saffron';

/** Runs in the page before its own scripts: notes the first frame with a visible, enabled password field. */
function watchPassphraseField(): void {
  const page = globalThis as unknown as { benchUsableAt?: number };
  const observer = new MutationObserver(() => {
    const input = document.querySelector('input[type="password"]');
    if (!(input instanceof HTMLInputElement) || input.disabled || input.getClientRects().length === 0) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      page.benchUsableAt ??= performance.now();
    });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { ...chromiumLaunch, headless: true, locale: 'en-US', ...PHONE });
}

const firstPage = async (context: BrowserContext): Promise<Page> => context.pages()[0] ?? (await context.newPage());

/**
 * A profile holding a vault of `app`'s origin (created through its onboarding), with its service worker, its
 * caches and the HTTP cache cleared: loading the unlock screen in a copy of it fetches everything again.
 */
export async function seedVaultProfile(app: ServedApp): Promise<string> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-first-load-seed-'));
  const context = await launch(profileDir);
  try {
    const page = await firstPage(context);
    await page.goto(`${app.origin}/`);
    const fields = page.locator('input[autocomplete="new-password"]');
    await fields.nth(1).waitFor({ timeout: 60_000 });
    await fields.nth(0).fill(BENCH_PASSPHRASE);
    await fields.nth(1).fill(BENCH_PASSPHRASE);
    await page.locator('form button[type="submit"]').first().click();
    // The recovery kit is shown once the vault is stored (only the bare IndexedDB listing is looked at here:
    // opening the directory from the bench could create it).
    await page.locator('[data-testid="recovery-kit"]').waitFor({ timeout: 120_000 });
    await page.waitForFunction(async () =>
      (await indexedDB.databases()).some((db) => db.name?.startsWith('carnet-v1-')),
    );
    // A first load again: no service worker, no cached response (IndexedDB and localStorage stay).
    await page.evaluate(async () => {
      for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
      for (const key of await caches.keys()) await caches.delete(key);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
  } finally {
    await context.close();
  }
  return profileDir;
}

/** Gzipped sizes by URL, from the identity bytes the server sends (computed once per file). */
const gzipSizes = new Map<string, number>();
async function gzipSize(url: string): Promise<number> {
  let size = gzipSizes.get(url);
  if (size === undefined) {
    const bytes = new Uint8Array(
      await (await fetch(url, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer(),
    );
    size = zlib.gzipSync(bytes, { level: 9 }).length;
    gzipSizes.set(url, size);
  }
  return size;
}

interface ScriptEntry {
  name: string;
  startTime: number;
  transferSize: number;
  decodedBodySize: number;
}

/** Loads `/` of `app` in a fresh profile (a copy of `seed` for the unlock screen) and measures the first load. */
export async function measureLoad(app: ServedApp, network: Network, seed?: string): Promise<LoadFigures> {
  const expected = seed === undefined ? 'new-password' : 'current-password';
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-first-load-profile-'));
  if (seed !== undefined) fs.cpSync(seed, profileDir, { recursive: true });
  const context = await launch(profileDir);
  try {
    await context.addInitScript(watchPassphraseField);
    const page = await firstPage(context);
    if (network === 'slow-4G') {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_4G });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    }
    await page.goto(`${app.origin}/`, { waitUntil: 'commit' });
    const usableMs = await (
      await page.waitForFunction(() => (globalThis as unknown as { benchUsableAt?: number }).benchUsableAt, undefined, {
        timeout: 180_000,
        polling: 50,
      })
    ).jsonValue();
    if (typeof usableMs !== 'number') throw new Error('no usable passphrase field');
    // The onboarding screen asks for a new passphrase, the unlock screen for the current one.
    const shown = await page.locator('input[type="password"]').first().getAttribute('autocomplete');
    if (shown !== expected) throw new Error(`expected the ${expected} field, found ${String(shown)}`);
    // Files requested before that moment may still be arriving: let them finish.
    await page.waitForLoadState('networkidle', { timeout: 180_000 });
    const entries = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => {
        const { name, startTime, transferSize, decodedBodySize } = entry as PerformanceResourceTiming;
        return { name, startTime, transferSize, decodedBodySize };
      }),
    );
    const scripts = entries.filter(
      (entry: ScriptEntry) => entry.startTime < usableMs && /\.m?js$/.test(new URL(entry.name).pathname),
    );
    const gzipBytes = (await Promise.all(scripts.map((entry) => gzipSize(entry.name)))).reduce((a, b) => a + b, 0);
    return {
      usableMs,
      files: scripts.length,
      rawBytes: scripts.reduce((sum, entry) => sum + entry.decodedBodySize, 0),
      gzipBytes,
      wireBytes: scripts.reduce((sum, entry) => sum + entry.transferSize, 0),
    };
  } finally {
    await context.close();
    fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
