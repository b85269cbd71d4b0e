// `npm run bench -- first-load --lighthouse`: Lighthouse 12.2.3 (pinned: 13 wants Node 22) on the unlock screen,
// a vault in storage (--disable-storage-reset), its default mobile profile (simulated slow 4G, CPU 4x slower).
// Each run gets a fresh copy of the seeded profile in its own Chromium, which Lighthouse drives through its port.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumLaunch } from '../playwright.config.ts';
import { freePort, type ServedApp } from './first-load-apps.ts';

export const LIGHTHOUSE = 'lighthouse@12.2.3';

export interface LighthouseRun {
  performance: number;
  accessibility: number;
  bestPractices: number;
  /** Milliseconds (first contentful paint, largest contentful paint, speed index, total blocking time). */
  fcp: number;
  lcp: number;
  speedIndex: number;
  tbt: number;
  cls: number;
  /** Bytes the page transferred, all resources. */
  bytes: number;
}

interface LighthouseResult {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { numericValue?: number }>;
}

async function waitForDevTools(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ok = await fetch(`http://127.0.0.1:${String(port)}/json/version`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('Chromium did not open its DevTools port');
}

/**
 * One Lighthouse run on `/` of `app` in a Chromium over a fresh copy of `seed`. Lighthouse now and then loses
 * the trace's navigation start (NO_NAVSTART) on this machine: such a run is made again, up to twice.
 */
export async function lighthouseRun(app: ServedApp, seed: string): Promise<LighthouseRun> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await lighthouseOnce(app, seed);
    } catch (error) {
      if (attempt === 3 || !String(error).includes('NO_NAVSTART')) throw error;
      console.log(`  (lighthouse lost the navigation start: run again)`);
    }
  }
}

async function lighthouseOnce(app: ServedApp, seed: string): Promise<LighthouseRun> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-first-load-lighthouse-'));
  fs.cpSync(seed, profileDir, { recursive: true });
  const port = await freePort();
  const chromium = spawn(
    chromiumLaunch.executablePath,
    [
      '--headless',
      ...chromiumLaunch.args,
      `--remote-debugging-port=${String(port)}`,
      `--user-data-dir=${profileDir}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForDevTools(port);
    const result = spawnSync(
      'npx',
      [
        '-y',
        LIGHTHOUSE,
        `${app.origin}/`,
        `--port=${String(port)}`,
        '--disable-storage-reset',
        '--only-categories=performance,accessibility,best-practices',
        '--output=json',
        '--output-path=stdout',
        '--quiet',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (result.status !== 0) throw new Error(`lighthouse failed: ${result.stderr}`);
    const report = JSON.parse(result.stdout) as LighthouseResult;
    const score = (id: string): number => Math.round((report.categories[id]?.score ?? 0) * 100);
    const value = (id: string): number => report.audits[id]?.numericValue ?? NaN;
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      fcp: value('first-contentful-paint'),
      lcp: value('largest-contentful-paint'),
      speedIndex: value('speed-index'),
      tbt: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'),
      bytes: value('total-byte-weight'),
    };
  } finally {
    if (chromium.exitCode === null) {
      const exited = new Promise((resolve) => chromium.once('exit', resolve));
      chromium.kill('SIGTERM');
      await exited;
    }
    // Chromium's helper processes can still be writing the profile for a moment after it exits.
    fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
