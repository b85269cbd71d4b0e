// The table `npm run bench -- first-load` prints: medians per screen, network and app, and this tree's figures
// as a ratio of the baseline's.
import type { LighthouseRun } from './first-load-lighthouse.ts';
import type { LoadFigures, Network, Screen } from './first-load-measure.ts';

export interface Measured {
  app: string;
  screen: Screen;
  network: Network;
  figures: LoadFigures;
}

const TARGET_GZIP_BYTES = 150 * 1024;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
/** A figure as a multiple of the baseline's; '-' when the baseline's is 0 (a CLS of nothing). */
const ratio = (value: number, base: number): string => (base === 0 ? '-' : `${(value / base).toFixed(2)}x`);

function medians(runs: Measured[]): LoadFigures {
  const of = (pick: (f: LoadFigures) => number): number => median(runs.map((run) => pick(run.figures)));
  return {
    usableMs: of((f) => f.usableMs),
    files: of((f) => f.files),
    rawBytes: of((f) => f.rawBytes),
    gzipBytes: of((f) => f.gzipBytes),
    wireBytes: of((f) => f.wireBytes),
  };
}

export function printFirstLoadReport(input: {
  runs: Measured[];
  baseline: string;
  current: string;
  screens: readonly Screen[];
  networks: readonly Network[];
}): void {
  const rounds =
    input.runs.filter((run) => run.app === input.current).length / (input.screens.length * input.networks.length);
  console.log(
    `\nfirst-load: JavaScript requested until the passphrase field is usable (median of ${String(rounds)} fresh profiles)`,
  );
  console.log('screen      network      app          files  raw         gzipped     wire        usable');
  let met = true;
  for (const screen of input.screens) {
    for (const network of input.networks) {
      const of = (app: string): LoadFigures =>
        medians(input.runs.filter((run) => run.app === app && run.screen === screen && run.network === network));
      const base = of(input.baseline);
      const now = of(input.current);
      for (const [label, f] of [
        [input.baseline, base],
        [input.current, now],
      ] as const) {
        console.log(
          `${screen.padEnd(11)} ${network.padEnd(12)} ${label.padEnd(12)} ${String(f.files).padStart(5)}  ` +
            `${kb(f.rawBytes).padStart(10)}  ${kb(f.gzipBytes).padStart(10)}  ${kb(f.wireBytes).padStart(10)}  ` +
            `${f.usableMs.toFixed(0).padStart(6)} ms`,
        );
      }
      console.log(
        `${screen.padEnd(11)} ${network.padEnd(12)} ratio        ${ratio(now.files, base.files).padStart(5)}  ` +
          `${ratio(now.rawBytes, base.rawBytes).padStart(10)}  ${ratio(now.gzipBytes, base.gzipBytes).padStart(10)}  ` +
          `${ratio(now.wireBytes, base.wireBytes).padStart(10)}  ${ratio(now.usableMs, base.usableMs).padStart(9)}`,
      );
      met &&= now.gzipBytes <= TARGET_GZIP_BYTES;
    }
  }
  console.log(
    `target: at most ${kb(TARGET_GZIP_BYTES)} gzipped until the field is usable, on every screen: ${met ? 'met' : 'NOT met'}`,
  );
}

/** Lighthouse's medians per app (each figure's own median), every run listed, and this tree's as ratios. */
export function printLighthouseReport(input: {
  runs: Map<string, LighthouseRun[]>;
  baseline: string;
  current: string;
}): void {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const columns: { key: keyof LighthouseRun; name: string; show: (value: number) => string }[] = [
    { key: 'performance', name: 'perf', show: String },
    { key: 'accessibility', name: 'a11y', show: String },
    { key: 'bestPractices', name: 'best', show: String },
    { key: 'fcp', name: 'FCP', show: seconds },
    { key: 'lcp', name: 'LCP', show: seconds },
    { key: 'speedIndex', name: 'SI', show: seconds },
    { key: 'tbt', name: 'TBT', show: (ms) => `${ms.toFixed(0)} ms` },
    { key: 'cls', name: 'CLS', show: (value) => value.toFixed(3) },
    { key: 'bytes', name: 'transferred', show: kb },
  ];
  const line = (label: string, cell: (column: (typeof columns)[number]) => string): string =>
    `${label.padEnd(22)} ${columns.map((column) => cell(column).padStart(column.key === 'bytes' ? 12 : 7)).join(' ')}`;
  const medianOf = (app: string, key: keyof LighthouseRun): number =>
    median((input.runs.get(app) ?? []).map((run) => run[key]));
  console.log('\nLighthouse 12.2.3, unlock screen with a vault in storage, mobile (simulated slow 4G, CPU 4x)');
  console.log(line('', (column) => column.name));
  for (const app of [input.baseline, input.current]) {
    (input.runs.get(app) ?? []).forEach((run, index) => {
      console.log(line(`${app} run ${String(index + 1)}`, (column) => column.show(run[column.key])));
    });
    console.log(line(`${app} median`, (column) => column.show(medianOf(app, column.key))));
  }
  console.log(
    line('ratio (median)', (column) =>
      ratio(medianOf(input.current, column.key), medianOf(input.baseline, column.key)),
    ),
  );
  const met =
    medianOf(input.current, 'performance') >= 90 &&
    medianOf(input.current, 'accessibility') === 100 &&
    medianOf(input.current, 'bestPractices') === 100;
  console.log(`target: performance >= 90, accessibility 100, best practices 100 (medians): ${met ? 'met' : 'NOT met'}`);
}
