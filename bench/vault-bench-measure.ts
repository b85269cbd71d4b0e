// Phase 2 of `npm run bench -- vault`, each call in a freshly launched Chromium over the data phase 1 wrote:
// unlock to overview and search (vault), load to overview (plaintext baseline), and the bytes both store.
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { ready } from '#crypto';
import { createVaultAccess, inThreadKdf, type KdfPort } from '#vault';
import { databaseBytes, databasesNamed, openExisting, readStore, type StoreBytes } from './vault-bench-idb.ts';
import { BENCH_PASSPHRASE, PLAIN_INDEX, PLAIN_RECORD_PREFIX, type PopulateResult } from './vault-bench-populate.ts';

export interface SearchTiming {
  label: string;
  query: string;
  results: number;
  /** The first run (it also sorts the vocabulary that loading changed), then the median of 5 more. */
  firstMs: number;
  medianMs: number;
}

export interface VaultTimings {
  kdfMs: number;
  /** From the KDF's return to `unlock` resolving, then to the 50 newest entries in hand. */
  kdfEndToUnlockedMs: number;
  kdfEndToOverviewMs: number;
  /** From calling `unlock` to the overview, minus the KDF: also counts opening the database and the keystore. */
  unlockCallMinusKdfMs: number;
  kdfEndToFullyLoadedMs: number;
  searches: SearchTiming[];
  /** Bytes of the largest index shard loaded at unlock (its Yjs state before deflate; §7.6 caps it at 4 MiB). */
  indexStateBytes: number;
}

function newestOf(months: readonly { entries: readonly { id: string }[] }[], count: number): string[] {
  const out: string[] = [];
  for (const month of months) {
    for (const entry of month.entries) {
      if (out.length === count) return out;
      out.push(entry.id);
    }
  }
  return out;
}

function sameList(what: string, got: readonly string[], want: readonly string[]): void {
  if (got.length !== want.length || got.some((id, i) => id !== want[i])) {
    throw new Error(`${what}: got ${got.length} ids [${got.slice(0, 3).join(', ')}…], expected ${want.length}`);
  }
}

/** Asks the driver to read the CPU clocks of the Chromium processes (vault-bench-cpu.ts); a no-op without it. */
async function cpuMark(label: string): Promise<void> {
  await (globalThis as { benchCpuMark?: (label: string) => Promise<void> }).benchCpuMark?.(label);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

export interface MeasureVaultInput extends Pick<PopulateResult, 'vaultId' | 'newest' | 'queries'> {
  /**
   * Records a CPU profile (console.profile; the driver collects it) from the KDF's return to the overview, or
   * from the overview to `fullyLoaded`, and stops there.
   */
  profile?: 'overview' | 'load';
  /** Stops after the overview: no full load, no searches (quick comparisons of the unlock path). */
  overviewOnly?: boolean;
}

export async function measureVault(known: MeasureVaultInput, log: (line: string) => void): Promise<VaultTimings> {
  // libsodium's WASM is instantiated while the person types the passphrase, not after.
  await ready();
  const kdfTimes = { start: NaN, end: NaN };
  const kdf: KdfPort = async (passphrase, salt, params) => {
    kdfTimes.start = performance.now();
    const kek = await inThreadKdf(passphrase, salt, params);
    await cpuMark('start');
    kdfTimes.end = performance.now();
    if (known.profile === 'overview') console.profile('overview');
    return kek;
  };
  const access = createVaultAccess({ kdf });
  const called = performance.now();
  const vault = await access.unlock(known.vaultId, { passphrase: BENCH_PASSPHRASE });
  const unlocked = performance.now();
  const newest = newestOf(vault.records.timeline(), 50);
  const overview = performance.now();
  await cpuMark('overview');
  if (known.profile === 'overview') console.profileEnd('overview');
  sameList('vault overview', newest, known.newest);
  const kdfMs = kdfTimes.end - kdfTimes.start;
  log(`  vault: overview ${(overview - kdfTimes.end).toFixed(0)} ms after the KDF (${kdfMs.toFixed(0)} ms)`);
  const timings = {
    kdfMs,
    kdfEndToUnlockedMs: unlocked - kdfTimes.end,
    kdfEndToOverviewMs: overview - kdfTimes.end,
    unlockCallMinusKdfMs: overview - called - kdfMs,
  };
  const waitForLoad = known.profile === 'load' || (known.profile === undefined && known.overviewOnly !== true);
  if (known.profile === 'load') console.profile('load');
  if (waitForLoad) await vault.fullyLoaded;
  const loaded = waitForLoad ? performance.now() : NaN;
  if (waitForLoad) await cpuMark('loaded');
  if (known.profile === 'load') console.profileEnd('load');
  const indexStateBytes = Math.max(
    0,
    ...vault.records.shardIds().map((id) => vault.records.exportShardUpdate(id).length),
  );
  if (known.profile !== undefined || known.overviewOnly === true) {
    vault.lock();
    return { ...timings, kdfEndToFullyLoadedMs: loaded - kdfTimes.end, searches: [], indexStateBytes };
  }

  const searches: SearchTiming[] = [];
  for (const q of known.queries) {
    const t0 = performance.now();
    const found = vault.records.search(q.query);
    const firstMs = performance.now() - t0;
    const again: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      vault.records.search(q.query);
      again.push(performance.now() - t);
    }
    const want = new Set(q.ids);
    const wrong = found.filter((e) => !want.has(e.id));
    if (found.length !== want.size || wrong.length > 0) {
      throw new Error(
        `search "${q.query}" (${q.label}): ${found.length} results, expected ${want.size}; ` +
          `unexpected ${wrong.length}, e.g. ${wrong[0]?.title ?? '–'}`,
      );
    }
    for (let i = 1; i < found.length; i++) {
      if ((found[i - 1]?.date ?? '') < (found[i]?.date ?? '')) throw new Error(`search "${q.query}": not newest first`);
    }
    searches.push({ label: q.label, query: q.query, results: found.length, firstMs, medianMs: median(again) });
  }
  const problems = vault.problems();
  vault.lock();
  if (problems.length > 0) throw new Error(`vault problems after unlock: ${JSON.stringify(problems.slice(0, 5))}`);
  return { ...timings, kdfEndToFullyLoadedMs: loaded - kdfTimes.end, searches, indexStateBytes };
}

interface PlainEntry {
  id: string;
  date: string;
  changedAt: number;
}

/** The vault's order (timeline.ts): newest date of care, then most recently changed, then id. */
function newestFirst(a: PlainEntry, b: PlainEntry): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  if (a.changedAt !== b.changedAt) return b.changedAt - a.changedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The baseline's overview: open the index doc with y-indexeddb, read its entries, the 50 newest. (Each open
 * appends y-indexeddb's own 2-byte empty-state row to the index database: 10 bytes per run, left in the count.)
 */
export async function measureBaseline(known: Pick<PopulateResult, 'newest'>): Promise<{ loadToOverviewMs: number }> {
  await cpuMark('start');
  const start = performance.now();
  const doc = new Y.Doc();
  const store = new IndexeddbPersistence(PLAIN_INDEX, doc);
  await store.whenSynced;
  const entries: PlainEntry[] = [];
  doc.getMap('records').forEach((value, id) => {
    const fields = value as { date: string; changedAt: number };
    entries.push({ id, date: fields.date, changedAt: fields.changedAt });
  });
  const newest = entries
    .sort(newestFirst)
    .slice(0, 50)
    .map((e) => e.id);
  const loadToOverviewMs = performance.now() - start;
  await cpuMark('overview');
  await store.destroy();
  doc.destroy();
  sameList('baseline overview', newest, known.newest);
  return { loadToOverviewMs };
}

export interface RecordStates {
  /** "1 snapshot + 2 updates" -> how many records are stored that way. */
  records: Record<string, number>;
  index: { snapshots: number; updates: number; bytes: number };
  /** Ids of the index family with rows (shards, and the root if it has any). */
  shards: number;
  /** Envelope bytes of the records (the index excluded). */
  recordEnvelopeBytes: number;
}

export interface BytesReport {
  vault: StoreBytes[];
  baselineIndex: StoreBytes[];
  baselineRecords: StoreBytes[];
  baselineDatabases: number;
  states: RecordStates;
}

/** Bytes by the rule of vault-bench-idb.ts, and how the vault's records are stored (snapshot, trailing updates). */
export async function storeReport(known: Pick<PopulateResult, 'vaultId' | 'ids'>): Promise<BytesReport> {
  const vaultDb = `carnet-v1-${known.vaultId}`;
  const vault = await databaseBytes(vaultDb, ['blobs', 'blobState']);
  const baselineIndex = await databaseBytes(PLAIN_INDEX);
  const names = await databasesNamed(PLAIN_RECORD_PREFIX);
  const perStore = new Map<string, StoreBytes>();
  for (const name of names) {
    for (const s of await databaseBytes(name)) {
      const sum = perStore.get(s.store) ?? { store: s.store, rows: 0, keyBytes: 0, valueBytes: 0 };
      sum.rows += s.rows;
      sum.keyBytes += s.keyBytes;
      sum.valueBytes += s.valueBytes;
      perStore.set(s.store, sum);
    }
  }
  return {
    vault,
    baselineIndex,
    baselineRecords: [...perStore.values()],
    baselineDatabases: names.length,
    states: await recordStates(vaultDb, new Set(known.ids)),
  };
}

async function recordStates(name: string, ids: ReadonlySet<string>): Promise<RecordStates> {
  const db = await openExisting(name);
  try {
    const { values } = await readStore(db, 'envelopes');
    const per = new Map<string, { snapshots: number; updates: number; bytes: number }>();
    for (const row of values as { recordId: string; type: number; bytes: Uint8Array }[]) {
      const s = per.get(row.recordId) ?? { snapshots: 0, updates: 0, bytes: 0 };
      if (row.type === 2) s.snapshots++;
      else s.updates++;
      s.bytes += row.bytes.length;
      per.set(row.recordId, s);
    }
    const records: Record<string, number> = {};
    const index = { snapshots: 0, updates: 0, bytes: 0 };
    let shards = 0;
    let recordEnvelopeBytes = 0;
    for (const [id, s] of per) {
      if (!ids.has(id)) {
        // The index root and its shards: the only rows that are not the bench's records.
        index.snapshots += s.snapshots;
        index.updates += s.updates;
        index.bytes += s.bytes;
        shards += 1;
        continue;
      }
      recordEnvelopeBytes += s.bytes;
      const key = `${s.snapshots} snapshot + ${s.updates} update${s.updates === 1 ? '' : 's'}`;
      records[key] = (records[key] ?? 0) + 1;
    }
    return { records, index, shards, recordEnvelopeBytes };
  } finally {
    db.close();
  }
}
