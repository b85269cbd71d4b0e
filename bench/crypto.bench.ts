/**
 * Attachment stream throughput against raw libsodium AEAD, and Argon2id at the default parameters, in Node and
 * in Chromium (the same code, bundled with esbuild and run by Playwright in Debian's Chromium).
 *
 * Usage: npm run bench -- crypto [--rounds N] [--sizes 1,64] [--node-only | --browser-only]
 * Target (issue 5): attachment MiB/s >= 0.90 x raw AEAD MiB/s in the same run.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { runCryptoBench, type BenchOptions, type BenchResult } from './crypto-bench-run.ts';

const args = process.argv.slice(2);
function flag(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}
const options: BenchOptions = {
  sizesMiB: (flag('--sizes') ?? '1,64').split(',').map(Number),
  rounds: Number(flag('--rounds') ?? 5),
  argon2Runs: Number(flag('--argon2-runs') ?? 3),
};
const TARGET = 0.9;

/** This process's CPU time in ms: other processes on the machine do not slow this clock down. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const results: { env: string; result: BenchResult }[] = [];
if (!args.includes('--browser-only')) {
  console.log(`Node ${process.version}: ${options.rounds} rounds per size, sizes ${options.sizesMiB.join(', ')} MiB`);
  results.push({ env: `Node ${process.version}`, result: await runCryptoBench(options, (l) => console.log(l), cpuMs) });
}
if (!args.includes('--node-only')) {
  results.push(await runInChromium(options));
}
printTable(results);

async function runInChromium(opts: BenchOptions): Promise<{ env: string; result: BenchResult }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-crypto-bench-'));
  await build({
    entryPoints: ['bench/crypto-bench-page.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'bench.js'),
    logLevel: 'warning',
  });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><title>loading</title><script type="module" src="bench.js"></script>',
  );
  const server = http.createServer((req, res) => {
    const file = req.url === '/bench.js' ? 'bench.js' : 'index.html';
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(fs.readFileSync(path.join(dir, file)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const page = await browser.newPage();
    page.on('console', (message) => {
      console.log(`  [chromium] ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      console.error(`  [chromium] ${error.message}`);
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.title === 'ready');
    console.log(`${browser.version()}: ${opts.rounds} rounds per size`);
    const result = await page.evaluate(
      (o) =>
        (globalThis as unknown as { runCryptoBench: typeof runCryptoBench }).runCryptoBench(o, (l) => {
          console.log(l);
        }),
      opts,
    );
    return { env: `Chromium ${browser.version()}`, result };
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(all: { env: string; result: BenchResult }[]): void {
  const fmt = (ratio: number | undefined) =>
    ratio === undefined ? 'baseline' : `${ratio.toFixed(2)}${ratio >= TARGET ? '' : ' (<0.90)'}`;
  const lines = [
    '',
    '| environment | size | operation | MiB/s median | ratio median | MiB/s best | ratio best | MiB/s CPU | ratio CPU |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { env, result } of all) {
    for (const r of result.rows) {
      const cpu = r.cpuMibPerSecond === undefined ? '– | –' : `${r.cpuMibPerSecond.toFixed(0)} | ${fmt(r.cpuRatio)}`;
      lines.push(
        `| ${env} | ${r.sizeMiB} MiB | ${r.name} | ${r.mibPerSecond.toFixed(0)} | ${fmt(r.ratio)} | ` +
          `${r.bestMibPerSecond.toFixed(0)} | ${fmt(r.bestRatio)} | ${cpu} |`,
      );
    }
    const runs = result.argon2idRuns.map((ms) => ms.toFixed(0)).join(', ');
    const cpu = result.argon2idCpuMs === undefined ? '–' : `${result.argon2idCpuMs.toFixed(0)} ms CPU`;
    lines.push(
      `| ${env} | – | Argon2id m=256 MiB t=3 | median ${result.argon2idMs.toFixed(0)} ms | runs ${runs} | – | – | ${cpu} | – |`,
    );
  }
  console.log(lines.join('\n'));
  console.log(
    [
      '',
      'ratio: attachment MiB/s / raw crypto_aead_xchacha20poly1305_ietf MiB/s over the same bytes in 64 KiB pieces, measured back to back.',
      '  median: median over rounds of the per-round ratio (wall clock); best: best round of each / best round of the baseline',
      "  (least disturbed by other load); CPU: this process's CPU time (Node only), unaffected by other processes.",
      '"encrypt"/"decrypt": the secretstream wrapper alone; "+ blob id": also BLAKE2b over the whole blob (§9 blob_id).',
    ].join('\n'),
  );
}
