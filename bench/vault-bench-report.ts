// The tables `npm run bench -- vault` prints: the targets with vault / baseline ratios, bytes per store, and the
// state the records were measured in.
import type { CpuSpent } from './vault-bench-cpu.ts';
import type { BytesReport, VaultTimings } from './vault-bench-measure.ts';
import type { PopulateResult } from './vault-bench-populate.ts';
import { totalBytes, type StoreBytes } from './vault-bench-idb.ts';

export type VaultRun = VaultTimings & { cpu: CpuSpent | undefined; loadCpu: CpuSpent | undefined };
export interface BaselineRun {
  loadToOverviewMs: number;
  cpu: CpuSpent | undefined;
}

export interface BenchReport {
  known: PopulateResult;
  vaultRuns: VaultRun[];
  baselineRuns: BaselineRun[];
  /** Absent with --overview-only. */
  bytes?: BytesReport | undefined;
}

/** Issue 14: overview < 300 ms after the KDF up to 10,000 records and < 1 s at 100,000; the first full-text
 * search complete < 1 s after the KDF at 10,000 (printed without a target above); bytes <= 1.2x. */
const TARGET = {
  overviewMs: (records: number) => (records <= 10_000 ? 300 : 1000),
  firstSearchMs: (records: number) => (records <= 10_000 ? 1000 : Infinity),
  searchMs: 300,
  bytesRatio: 1.2,
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}
const ms = (value: number): string => (Number.isNaN(value) ? '–' : `${value.toFixed(0)} ms`);
const runs = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(', ');
const kb = (bytes: number): string =>
  Number.isNaN(bytes) ? '–' : `${(bytes / 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} kB`;
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

export function printReport({ known, vaultRuns, baselineRuns, bytes }: BenchReport): void {
  const of = (pick: (t: VaultRun) => number) => vaultRuns.map(pick);
  const overview = of((t) => t.kdfEndToOverviewMs);
  const baseWall = baselineRuns.map((r) => r.loadToOverviewMs);
  const base = median(baseWall);
  const ratio = `${(median(overview) / base).toFixed(2)} (best ${(Math.min(...overview) / Math.min(...baseWall)).toFixed(2)})`;
  const cpuOf = (runs: readonly { cpu: CpuSpent | undefined }[], pick: (c: CpuSpent) => number) =>
    median(runs.map((r) => (r.cpu === undefined ? NaN : pick(r.cpu))));
  const cpuCell = (runs: readonly { cpu: CpuSpent | undefined }[]) =>
    `${ms(cpuOf(runs, (c) => c.rendererMs + c.storageMs))} (${ms(cpuOf(runs, (c) => c.rendererMs))} + ${ms(cpuOf(runs, (c) => c.storageMs))})`;
  const cpuRatio =
    cpuOf(vaultRuns, (c) => c.rendererMs + c.storageMs) / cpuOf(baselineRuns, (c) => c.rendererMs + c.storageMs);
  const lines =
    vaultRuns.length === 0
      ? []
      : [
          '',
          `${known.ids.length} records, ${known.attachments} attachments of 1 MiB; ${vaultRuns.length} fresh Chromium ` +
            'launches each (median, then every run)',
          '',
          '| measurement | vault | plaintext baseline (y-indexeddb) | vault / baseline | target |',
          '| --- | ---: | ---: | ---: | --- |',
          `| overview: KDF end -> 50 newest entries | ${ms(median(overview))} (${runs(overview)}) | ` +
            `${ms(base)} (${runs(baseWall)}) | ${ratio} | < ${ms(TARGET.overviewMs(known.ids.length))}: ` +
            `${verdict(median(overview) < TARGET.overviewMs(known.ids.length))} |`,
          `| same span, CPU: page main thread + storage service | ${cpuCell(vaultRuns)} | ${cpuCell(baselineRuns)} | ` +
            `${cpuRatio.toFixed(2)} | (load-independent) |`,
          `| … of which KDF end -> unlock resolved | ${ms(median(of((t) => t.kdfEndToUnlockedMs)))} | – | – | |`,
          `| overview: unlock call -> 50 newest, minus the KDF | ${ms(median(of((t) => t.unlockCallMinusKdfMs)))} | ` +
            `${ms(base)} | ${(median(of((t) => t.unlockCallMinusKdfMs)) / base).toFixed(2)} | |`,
          `| KDF (floor: m = 19 MiB, t = 2; excluded) | ${ms(median(of((t) => t.kdfMs)))} | – | – | |`,
          `| search ready (persisted index read, nothing stale): KDF end -> fullyLoaded | ${ms(median(of((t) => t.kdfEndToFullyLoadedMs)))} (${runs(of((t) => t.kdfEndToFullyLoadedMs))}) | – | – | |`,
          `| … CPU from the overview to fullyLoaded | ${cpuCell(vaultRuns.map((r) => ({ cpu: r.loadCpu })))} | – | – | |`,
          ...searchLines(vaultRuns, known.ids.length),
        ];
  if (bytes !== undefined) {
    const vaultBytes = totalBytes(bytes.vault);
    const plainBytes = totalBytes(bytes.baselineIndex) + totalBytes(bytes.baselineRecords);
    lines.push(
      `| bytes: keys + values, all stores but blobs and blobState | ${kb(vaultBytes)} | ${kb(plainBytes)} | ` +
        `${(vaultBytes / plainBytes).toFixed(2)} | <= ${TARGET.bytesRatio}: ${verdict(vaultBytes / plainBytes <= TARGET.bytesRatio)} |`,
      '',
      '| database / store | rows | key bytes | value bytes | total |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...storeLines('vault', bytes.vault),
      ...storeLines('baseline index', bytes.baselineIndex),
      ...storeLines(`baseline records (${bytes.baselineDatabases} databases)`, bytes.baselineRecords),
      '',
      `Vault envelopes: the index family (${bytes.states.shards} ids with rows), ${bytes.states.index.snapshots} snapshots + ${bytes.states.index.updates} updates ` +
        `(${kb(bytes.states.index.bytes)} sealed; the largest shard loaded at unlock has ${kb(vaultRuns[0]?.indexStateBytes ?? NaN)} of Yjs state, of the 4 MiB cap); ` +
        `records ${kb(bytes.states.recordEnvelopeBytes)}, stored as:`,
      ...Object.entries(bytes.states.records)
        .sort((a, b) => b[1] - a[1])
        .map(([state, count]) => `  ${count} records: ${state}`),
      'Byte rule: primary key + value of every row; bytes of Uint8Array/ArrayBuffer/Blob, UTF-8 of strings, 8 per',
      'number, 1 per boolean, arrays and objects the sum of their parts (property names not counted). Secondary',
      'indexes are not counted (the API does not expose them).',
    );
  }
  if (vaultRuns.length > 0) {
    lines.push(
      '',
      'CPU: utime + stime of the renderer main thread and of the storage service (IndexedDB), 10 ms ticks, between',
      'the page marks around the span; the wall clock on this shared machine also counts time spent waiting for a core.',
    );
  }
  lines.push(
    '',
    `Population (first Chromium): ${Object.entries(known.timings)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );
  console.log(lines.join('\n'));
}

function searchLines(vaultRuns: readonly VaultTimings[], records: number): string[] {
  const lines: string[] = [];
  const count = vaultRuns[0]?.searches.length ?? 0;
  for (let i = 0; i < count; i++) {
    const first = vaultRuns.map((r) => r.searches[i]?.firstMs ?? NaN);
    const again = vaultRuns.map((r) => r.searches[i]?.medianMs ?? NaN);
    const s = vaultRuns[0]?.searches[i];
    lines.push(
      `| search "${s?.query ?? ''}" (${s?.label ?? ''}; ${s?.results ?? 0} results, checked): first (every run) / ` +
        `again | ${median(first).toFixed(1)} (${first.map((v) => v.toFixed(1)).join(', ')}) / ` +
        `${median(again).toFixed(1)} ms | – | – | < 300 ms: ${verdict(Math.max(...first) < TARGET.searchMs)} |`,
    );
    // Issue 14: the search is complete once the index is ready; the first answer after the KDF is both spans.
    const complete = vaultRuns.map((r) => r.kdfEndToFullyLoadedMs + (r.searches[i]?.firstMs ?? NaN));
    lines.push(
      `| … first full-text search complete: KDF end -> search ready + first answer | ${ms(median(complete))} ` +
        `(${complete.map((v) => v.toFixed(0)).join(', ')}) | – | – | < ${ms(TARGET.firstSearchMs(records))}: ` +
        `${verdict(Math.max(...complete) < TARGET.firstSearchMs(records))} |`,
    );
  }
  return lines;
}

function storeLines(database: string, stores: readonly StoreBytes[]): string[] {
  return stores.map(
    (s) =>
      `| ${database} / ${s.store} | ${s.rows} | ${s.keyBytes.toLocaleString('en-US')} | ` +
      `${s.valueBytes.toLocaleString('en-US')} | ${(s.keyBytes + s.valueBytes).toLocaleString('en-US')} |`,
  );
}
