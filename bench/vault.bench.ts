/**
 * Unlock-to-overview time, search time and stored bytes of a vault of 10,000 records and 200 attachments, in
 * Debian's Chromium, against the same records stored in plaintext with y-indexeddb (the baseline), measured in
 * the same run. Data is written in one Chromium; every measurement runs in a freshly launched one over the same
 * user-data dir, so nothing is measured from a warm in-memory state.
 *
 * Usage: npm run bench -- vault [--records 10000] [--attachments 200] [--rounds 3] [--seed N] [--profile [load]]
 *        [--keep] [--reuse DIR] [--overview-only] [--chunk 10000]   (--keep leaves the data dir; --reuse DIR
 *        measures a kept one again; --overview-only skips the full load and the searches; --chunk sets how many
 *        records are written per unlock)
 * Targets (issue 14): overview < 300 ms after the KDF at 10,000 records and < 1 s at 100,000, the first full-text
 * search complete < 1 s after the KDF at 10,000, stored bytes <= 1.2 x the baseline.
 *
 * The records are written through the facade, 10,000 per unlock (the vault is locked and unlocked again between
 * them, so the page never holds more than 10,000 record documents), in commits of 100 (one update envelope each);
 * one in five is edited 1-6 times later, each edit in a commit of its own; then the 1 MiB PDFs are attached. Compaction runs with the
 * default policy (32 trailing updates, trailing bytes over the snapshot's, or idle with >= 4 trailing updates),
 * only its idle delay shortened to 1 s, until it stops rewriting. Records are measured as that policy leaves
 * them (most as their single creation update; edited ones as a snapshot and a few updates) and the report prints
 * the exact distribution. Times are wall clock and, because the machine is shared, also the CPU time of the
 * page's main thread and of Chromium's storage service over the same span (read from /proc).
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
import type { BytesReport } from './vault-bench-measure.ts';
import { cpuBetween, cpuSnapshot, type CpuSpent } from './vault-bench-cpu.ts';
import { printReport, type BaselineRun, type VaultRun } from './vault-bench-report.ts';
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
  chunk: Number(flag('--chunk') ?? 10_000),
};
const rounds = Number(flag('--rounds') ?? 3);
const reuse = flag('--reuse');
const profileTarget: 'overview' | 'load' | undefined = args.includes('--profile')
  ? flag('--profile') === 'load'
    ? 'load'
    : 'overview'
  : undefined;
const KNOWN = 'bench-known.json';

/** What the page puts on globalThis (evaluated functions are sent as source: they cannot close over Node values). */
type PageGlobal = { vaultBench: VaultBench };

const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-vault-bench-js-'));
const dataDir = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-vault-bench-data-'));
const server = http.createServer((req, res) => {
  const file = req.url === '/bench.js' ? 'bench.js' : 'index.html';
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
  res.end(fs.readFileSync(path.join(bundleDir, file)));
});
try {
  await bundle();
  // IndexedDB belongs to the origin: every launch of a run sees the same port, and a kept data dir remembers it.
  const portFile = path.join(dataDir, 'bench-port');
  const port = await listen(reuse === undefined ? 0 : Number(fs.readFileSync(portFile, 'utf8')));
  fs.writeFileSync(portFile, String(port));
  await run(port);
} finally {
  server.close();
  fs.rmSync(bundleDir, { recursive: true, force: true });
  if (reuse === undefined && !args.includes('--keep')) fs.rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir} (npm run bench -- vault --reuse ${dataDir})`);
}

async function bundle(): Promise<void> {
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
}

function listen(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * A new Chromium process over the data dir (IndexedDB persists there between launches). `cpu(from, to)` is the
 * CPU time between two of the page's marks (default `start` and `overview`), when it made them.
 */
async function inFreshBrowser<T>(
  port: number,
  what: string,
  work: (page: Page, cpu: (from?: string, to?: string) => CpuSpent | undefined) => Promise<T>,
): Promise<T> {
  const profileDir = path.join(dataDir, 'profile');
  const context = await chromium.launchPersistentContext(profileDir, { ...chromiumLaunch, headless: true });
  const marks = new Map<string, Map<string, number>>();
  await context.exposeFunction('benchCpuMark', (label: string) => {
    marks.set(label, cpuSnapshot(profileDir));
  });
  const cpu = (from = 'start', to = 'overview') => {
    const start = marks.get(from);
    const end = marks.get(to);
    return start === undefined || end === undefined ? undefined : cpuBetween(start, end);
  };
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
    const result = await work(page, cpu);
    console.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    await context.close();
  }
}

async function run(port: number): Promise<void> {
  let known: PopulateResult;
  if (reuse === undefined) {
    console.log(`Populating ${options.records} records and ${options.attachments} attachments of 1 MiB in ${dataDir}`);
    known = await inFreshBrowser(port, 'population', (page) =>
      page.evaluate(async (o) => (globalThis as unknown as PageGlobal).vaultBench.populate(o), options),
    );
    fs.writeFileSync(path.join(dataDir, KNOWN), JSON.stringify(known));
  } else {
    known = JSON.parse(fs.readFileSync(path.join(dataDir, KNOWN), 'utf8')) as PopulateResult;
    console.log(`Reusing ${dataDir}: ${known.ids.length} records`);
  }
  const check = {
    vaultId: known.vaultId,
    newest: known.newest,
    queries: known.queries,
    overviewOnly: args.includes('--overview-only'),
  };
  const vaultRuns: VaultRun[] = [];
  const baselineRuns: BaselineRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    vaultRuns.push(
      await inFreshBrowser(port, `vault round ${round}/${rounds}`, async (page, cpu) => ({
        ...(await page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.measureVault(k), check)),
        cpu: cpu(),
        loadCpu: cpu('overview', 'loaded'),
      })),
    );
    baselineRuns.push(
      await inFreshBrowser(port, `baseline round ${round}/${rounds}`, async (page, cpu) => ({
        ...(await page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.measureBaseline(k), {
          newest: known.newest,
        })),
        cpu: cpu(),
      })),
    );
  }
  const bytes: BytesReport | undefined = check.overviewOnly
    ? undefined
    : await inFreshBrowser(port, 'bytes', (page) =>
        page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.storeReport(k), {
          vaultId: known.vaultId,
          ids: known.ids,
        }),
      );
  if (profileTarget !== undefined) await profile(port, profileTarget, check);
  printReport({ known, vaultRuns, baselineRuns, bytes });
}

/** A CPU profile of one phase of a vault unlock, summarised by module and function. */
async function profile(
  port: number,
  target: 'overview' | 'load',
  check: Pick<PopulateResult, 'vaultId' | 'newest' | 'queries'>,
): Promise<void> {
  await inFreshBrowser(port, 'profile', async (page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const finished = new Promise<CpuProfile>((resolve) => {
      cdp.on('Profiler.consoleProfileFinished', (event) => {
        resolve(event.profile);
      });
    });
    const timings = await page.evaluate(async (k) => (globalThis as unknown as PageGlobal).vaultBench.measureVault(k), {
      ...check,
      profile: target,
    });
    const cpu = await finished;
    const wallMs =
      target === 'load' ? timings.kdfEndToFullyLoadedMs - timings.kdfEndToOverviewMs : timings.kdfEndToOverviewMs;
    console.log(`\nCPU profile of ${target === 'load' ? 'overview -> fullyLoaded' : 'KDF end -> overview'}:`);
    console.log(profileSummary(cpu, fs.readFileSync(path.join(bundleDir, 'bench.js'), 'utf8'), wallMs));
  });
}
