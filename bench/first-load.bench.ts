/**
 * The first load as a new or returning patient meets it (issue 13): a freshly launched Chromium with a fresh
 * profile opens `/` of the app served by the relay (`npm start`) over loopback, and we measure the JavaScript
 * requested until the passphrase field is usable (files, bytes as run, gzipped, over the wire) and the time to
 * that frame, on the onboarding screen (no vault) and the unlock screen (a vault in storage), unthrottled and
 * with Lighthouse's phone profile (slow 4G, CPU 4x slower). The baseline is the same pages built from commit
 * a16b06f (before this work), extracted and built by the bench, served and measured in the same run.
 *
 * With --lighthouse, also Lighthouse 12.2.3 (fetched with npx) on the unlock screen, both apps, 3 runs each.
 *
 * Usage: npm run bench -- first-load [--rounds 3] [--baseline a16b06f] [--lighthouse [--lighthouse-only]]
 * Targets: at most 150 KB gzipped of JavaScript until the field is usable; Lighthouse medians performance >= 90,
 * accessibility and best practices 100.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractCommit, freePort, startApp, type ServedApp } from './first-load-apps.ts';
import { measureLoad, seedVaultProfile, type LoadFigures, type Network, type Screen } from './first-load-measure.ts';
import { lighthouseRun, type LighthouseRun } from './first-load-lighthouse.ts';
import { printFirstLoadReport, printLighthouseReport, type Measured } from './first-load-report.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const rounds = Number(flag('--rounds') ?? 3);
const lighthouseOnly = args.includes('--lighthouse-only');
const lighthouse = lighthouseOnly || args.includes('--lighthouse');
const LIGHTHOUSE_RUNS = 3;
const baselineCommit = flag('--baseline') ?? 'a16b06f';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCREENS: readonly Screen[] = ['onboarding', 'unlock'];
const NETWORKS: readonly Network[] = ['unthrottled', 'slow-4G'];

const apps: ServedApp[] = [];
const temporary: string[] = [];
try {
  // One build at a time: the machine is shared.
  const baselineDir = extractCommit(root, baselineCommit);
  temporary.push(baselineDir);
  console.log(`building and serving ${baselineCommit} (baseline) and this tree…`);
  apps.push(await startApp(baselineCommit, baselineDir, await freePort()));
  apps.push(await startApp('this tree', root, await freePort()));

  const seeds = new Map<ServedApp, string>();
  for (const app of apps) {
    const seed = await seedVaultProfile(app);
    temporary.push(seed);
    seeds.set(app, seed);
  }

  const runs: Measured[] = [];
  for (let round = 1; round <= (lighthouseOnly ? 0 : rounds); round += 1) {
    for (const screen of SCREENS) {
      for (const network of NETWORKS) {
        // Baseline and this tree side by side in every round, so drift on the shared machine hits both.
        for (const app of apps) {
          const figures: LoadFigures = await measureLoad(
            app,
            network,
            screen === 'unlock' ? seeds.get(app) : undefined,
          );
          runs.push({ app: app.label, screen, network, figures });
          console.log(
            `  round ${String(round)} ${screen} ${network} ${app.label}: ${String(figures.files)} files, ` +
              `${(figures.gzipBytes / 1024).toFixed(0)} KB gzipped, usable at ${figures.usableMs.toFixed(0)} ms`,
          );
        }
      }
    }
  }
  if (!lighthouseOnly) {
    printFirstLoadReport({
      runs,
      baseline: baselineCommit,
      current: 'this tree',
      screens: SCREENS,
      networks: NETWORKS,
    });
  }
  if (lighthouse) {
    const scores = new Map<string, LighthouseRun[]>(apps.map((app) => [app.label, []]));
    for (let run = 1; run <= LIGHTHOUSE_RUNS; run += 1) {
      for (const app of apps) {
        const seed = seeds.get(app);
        if (seed === undefined) throw new Error(`no seeded profile for ${app.label}`);
        const result = await lighthouseRun(app, seed);
        scores.get(app.label)?.push(result);
        console.log(`  lighthouse run ${String(run)} ${app.label}: performance ${String(result.performance)}`);
      }
    }
    printLighthouseReport({ runs: scores, baseline: baselineCommit, current: 'this tree' });
  }
} finally {
  for (const app of apps) await app.stop();
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
}
