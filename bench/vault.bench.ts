/**
 * Unlock-to-overview time, search time and stored bytes of a vault of 10,000 records and 200 attachments, in
 * Debian's Chromium, against the same records stored in plaintext with y-indexeddb (the baseline), measured in
 * the same run. Data is written in one Chromium; every measurement runs in a freshly launched one over the same
 * user-data dir, so nothing is measured from a warm in-memory state.
 *
 * Usage: npm run bench -- vault [--records 10000] [--attachments 200] [--rounds 3] [--seed N] [--profile [load]]
 *        [--keep] [--reuse DIR]   (--keep leaves the data dir; --reuse DIR measures a kept one again)
 * Targets (issue 6): overview < 1 s after the KDF, search < 300 ms, stored bytes <= 1.3 x the baseline.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import type { VaultBench } from './vault-bench-page.ts';
import type { PopulateResult } from './vault-bench-populate.ts';
import type { BytesReport, VaultTimings } from './vault-bench-measure.ts';
import { printReport } from './vault-bench-report.ts';
import { profileSummary, type CpuProfile } from './vault-bench-profile.ts';

const args = process.argv.slice(2);
function flag(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}
const options = {
  records: Number(flag('--records') ?? 10_000),
  attachments: Number(flag('--attachments') ?? 200),
  seed: Number(flag('--seed') ?? 20_240_305),
};
const rounds = Number(flag('--rounds') ?? 3);
const reuse = flag('--reuse');
const profileTarget: 'overview' | 'load' | undefined = args.includes('--profile')
  ? flag('--profile') === 'load'
    ? 'load'
    : 'overview'
  : undefined;
const KNOWN = 'bench-known.json';

const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-vault-bench-js-'));
const dataDir = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-vault-bench-data-'));
await build({
  entryPoints: ['bench/vault-bench-page.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: path.join(bundleDir, 'bench.js'),
  logLevel: 'warning',
});
fs.writeFileSync(
  path.join(bundleDir, 'index.html'),
  '<!doctype html><title>loading</title><script type="module" src="bench.js"></script>',
);
const server = http.createServer((req, res) => {
  const file = req.url === '/bench.js' ? 'bench.js' : 'index.html';
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
  res.end(fs.readFileSync(path.join(bundleDir, file)));
});
// IndexedDB belongs to the origin: every launch must see the same port.
const port = Number(flag('--port') ?? 4391);
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

/** A new Chromium process over the data dir (IndexedDB persists there between launches). */
async function inFreshBrowser<T>(what: string, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await chromium.launchPersistentContext(path.join(dataDir, 'profile'), {
    ...chromiumLaunch,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      console.log(`  [chromium] ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      console.error(`  [chromium] ${error.message}`);
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.title === 'ready');
    const t0 = performance.now();
    const result = await run(page);
    console.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    await context.close();
  }
}

/** What the page puts on globalThis (evaluated functions are sent as source: they cannot close over Node values). */
type PageGlobal = { vaultBench: VaultBench };

try {
  let known: PopulateResult;
  if (reuse === undefined) {
    console.log(`Populating ${options.records} records and ${options.attachments} attachments of 1 MiB in ${dataDir}`);
    known = await inFreshBrowser('population', (page) =>
      page.evaluate(async (o) => (globalThis as unknown as PageGlobal).vaultBench.populate(o), options),
    );
    fs.writeFileSync(path.join(dataDir, KNOWN), JSON.stringify(known));
  } else {
    known = JSON.parse(fs.readFileSync(path.join(dataDir, KNOWN), 'utf8')) as PopulateResult;
    console.log(`Reusing ${dataDir}: ${known.ids.length} records`);
  }
  const check = { vaultId: known.vaultId, newest: known.newest, queries: known.queries };
  const vaultRuns: VaultTimings[] = [];
  const baselineRuns: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    vaultRuns.push(
      await inFreshBrowser(`vault round ${round}/${rounds}`, (page) =>
        page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.measureVault(k), check),
      ),
    );
    const plain = await inFreshBrowser(`baseline round ${round}/${rounds}`, (page) =>
      page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.measureBaseline(k), {
        newest: known.newest,
      }),
    );
    baselineRuns.push(plain.loadToOverviewMs);
  }
  const bytes: BytesReport = await inFreshBrowser('bytes', (page) =>
    page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.storeReport(k), {
      vaultId: known.vaultId,
      ids: known.ids,
    }),
  );
  if (profileTarget !== undefined) {
    await inFreshBrowser('profile', async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      const finished = new Promise<CpuProfile>((resolve) => {
        cdp.on('Profiler.consoleProfileFinished', (event) => {
          resolve(event.profile);
        });
      });
      const timings = await page.evaluate(
        async (k) => (globalThis as unknown as PageGlobal).vaultBench.measureVault(k),
        {
          ...check,
          profile: profileTarget,
        },
      );
      const profile = await finished;
      const wallMs =
        profileTarget === 'load'
          ? timings.kdfEndToFullyLoadedMs - timings.kdfEndToOverviewMs
          : timings.kdfEndToOverviewMs;
      const span = profileTarget === 'load' ? 'overview -> fullyLoaded' : 'KDF end -> overview';
      console.log(`\nCPU profile of ${span} (${wallMs.toFixed(0)} ms):`);
      console.log(profileSummary(profile, fs.readFileSync(path.join(bundleDir, 'bench.js'), 'utf8'), wallMs));
    });
  }
  printReport({ known, vaultRuns, baselineRuns, bytes });
} finally {
  server.close();
  fs.rmSync(bundleDir, { recursive: true, force: true });
  if (reuse === undefined && !args.includes('--keep')) fs.rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir} (npm run bench -- vault --reuse ${dataDir})`);
}
