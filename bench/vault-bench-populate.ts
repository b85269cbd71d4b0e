// Phase 1 of `npm run bench -- vault`, in the first Chromium: a vault filled through the facade, 10,000 records
// per unlock (records in commits of 100, later edits each in a commit of their own, then 1 MiB PDFs), left to
// compact, and the same content in plaintext with y-indexeddb (the baseline). Returns what the fresh browsers check their answers against.
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import * as Y from 'yjs';
import { KDF_FLOOR } from '#crypto';
import { createVaultAccess, type IndexEntry, type Vault, type VaultAccess } from '#vault';
import {
  benchQueries,
  expectedMatches,
  generateBenchData,
  searchTexts,
  type BenchData,
  type BenchEdit,
} from './vault-bench-data.ts';
import { countRows } from './vault-bench-idb.ts';
import { benchPdf } from './vault-bench-pdf.ts';

export const BENCH_PASSPHRASE = 'correct horse battery staple';
export const PLAIN_INDEX = 'plain-index';
export const PLAIN_RECORD_PREFIX = 'plain-record-';
const BENCH_RELAY = { origin: 'https://relay.carnet.example', publicKeyHex: '11'.repeat(32) };
const COMMIT = 100;
/** Only the idle delay of the default compaction policy is shortened (30 s -> 1 s); its thresholds are kept. */
const IDLE_MS = 1_000;
const ATTACHMENT_BYTES = 1_048_576;

export interface PopulateOptions {
  records: number;
  attachments: number;
  seed: number;
  /** Records written per unlock: the page never holds more record documents than this (100,000 would not fit). */
  chunk: number;
}

export interface PopulateResult {
  vaultId: string;
  attachments: number;
  /** Record ids in generation order. */
  ids: string[];
  newest: string[];
  queries: { label: string; query: string; ids: string[] }[];
  timings: Record<string, number>;
}

type Log = (line: string) => void;

export async function populate(options: PopulateOptions, log: Log): Promise<PopulateResult> {
  const data = generateBenchData(options.records, options.attachments, options.seed);
  const access = createVaultAccess({ kdfLadder: [KDF_FLOOR], compaction: { idleMs: IDLE_MS } });
  const created = await access.create({ passphrase: BENCH_PASSPHRASE, relay: BENCH_RELAY });
  const vaultId = created.vault.id;
  const timings: Record<string, number> = {};
  const ids: string[] = [];
  let first: Vault | undefined = created.vault;
  for (let start = 0; start < data.records.length; start += options.chunk) {
    const end = Math.min(data.records.length, start + options.chunk);
    const vault = first ?? (await reopen(access, vaultId, timings));
    first = undefined;
    await awake(vault, () => fillChunk(vault, data, start, end, ids, timings, log));
  }
  // One more unlock: it reindexes for search whatever the last chunk's job had not persisted when it locked, so
  // the measured unlocks find the search index complete (as a patient's device would after a while).
  const vault = await reopen(access, vaultId, timings);
  return awake(vault, async () => {
    await settle(vaultId, log);
    const texts = searchTexts(data);
    const queries = benchQueries(data).map((q) => ({
      ...q,
      ids: expectedMatches(texts, q.query).map((i) => ids[i] ?? ''),
    }));
    for (const q of queries) {
      const got = vault.records.search(q.query).length;
      if (got !== q.ids.length) throw new Error(`population: "${q.query}" finds ${got}, the data says ${q.ids.length}`);
    }
    const entries = vault.records.list();
    const newest = entries.slice(0, 50).map((e) => e.id);
    const problems = vault.problems();
    if (problems.length > 0) throw new Error(`population: store problems ${JSON.stringify(problems.slice(0, 5))}`);
    await timed(timings, 'baseline index', () => populateBaselineIndex(entries, data, ids));
    return { vaultId, attachments: data.attachments.length, ids, newest, queries, timings };
  });
}

/** Unlocks the vault again and waits until search covers every record (it reindexes what was left stale). */
async function reopen(access: VaultAccess, vaultId: string, timings: Record<string, number>): Promise<Vault> {
  return timed(timings, 'reopen', async () => {
    const vault = await access.unlock(vaultId, { passphrase: BENCH_PASSPHRASE });
    await vault.fullyLoaded;
    return vault;
  });
}

/** Runs `work` with the vault kept awake (it would lock itself after 5 idle minutes), then locks it. */
async function awake<T>(vault: Vault, work: () => Promise<T>): Promise<T> {
  const keepAwake = setInterval(() => {
    vault.activity();
  }, 30_000);
  try {
    return await work();
  } finally {
    clearInterval(keepAwake);
    vault.lock();
  }
}

/** Adds the time `work` took to `timings[name]` (phases repeat once per chunk). */
async function timed<T>(timings: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = (timings[name] ?? 0) + performance.now() - start;
  }
}

/**
 * Records `start` to `end`: created in commits of 100, edited in rounds (each edit of a round in commits of 100),
 * their files attached, compaction left to settle, then their plaintext baseline written while they are loaded.
 */
async function fillChunk(
  vault: Vault,
  data: BenchData,
  start: number,
  end: number,
  ids: string[],
  timings: Record<string, number>,
  log: Log,
): Promise<void> {
  const commit = () => vault.flush();
  const chunk = data.records.slice(start, end);
  await timed(timings, 'create records', async () => {
    for (let i = 0; i < chunk.length; i += COMMIT) {
      for (const r of chunk.slice(i, i + COMMIT)) ids.push(vault.records.create(r.input).id);
      await commit();
      if ((start + i + COMMIT) % 2000 === 0) log(`  created ${start + i + COMMIT} records`);
    }
  });
  await timed(timings, 'edit records', async () => {
    const rounds = Math.max(0, ...chunk.map((r) => r.edits.length));
    for (let round = 0; round < rounds; round++) {
      let inCommit = 0;
      for (const [i, r] of chunk.entries()) {
        const edit = r.edits[round];
        if (edit === undefined) continue;
        applyEdit(vault, ids[start + i] ?? '', edit);
        if (++inCommit === COMMIT) {
          inCommit = 0;
          await commit();
        }
      }
      await commit();
    }
    log(`  edited ${chunk.filter((r) => r.edits.length > 0).length} records in ${rounds} rounds`);
  });
  await timed(timings, 'attachments', async () => {
    for (const a of data.attachments) {
      if (a.record < start || a.record >= end) continue;
      const bytes = benchPdf(ATTACHMENT_BYTES, a.seed);
      const blob = new Blob([bytes], { type: 'application/pdf' });
      await vault.attachments.add(ids[a.record] ?? '', {
        name: a.name,
        mediaType: 'application/pdf',
        size: blob.size,
        stream: () => blob.stream(),
        slice: (from, to) => blob.slice(from, to),
      });
    }
    await commit();
  });
  await timed(timings, 'compaction', () => settle(vault.id, log));
  await timed(timings, 'baseline records', () => populateBaselineRecords(vault, ids.slice(start, end), log));
}

function applyEdit(vault: Vault, id: string, edit: BenchEdit): void {
  if (edit.kind === 'note') vault.records.setNote(id, edit.note);
  else if (edit.kind === 'observation') vault.records.addObservation(id, edit.observation);
  else if (edit.kind === 'tags') vault.records.update(id, { tags: edit.tags });
  else vault.records.update(id, { title: edit.title });
}

/**
 * Waits until idle compaction has stopped rewriting envelopes (no public signal says when it is done); the
 * catalogue pages (2 s after a change) are written within that time too.
 */
async function settle(vaultId: string, log: Log): Promise<void> {
  const name = `carnet-v1-${vaultId}`;
  const start = performance.now();
  let last = await countRows(name, 'envelopes');
  let stableSince = performance.now();
  log(`  ${last} envelopes before idle compaction`);
  while (performance.now() - start < 3 * IDLE_MS || performance.now() - stableSince < 3_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await countRows(name, 'envelopes');
    if (now !== last) {
      last = now;
      stableSince = performance.now();
    }
  }
  log(`  ${last} envelopes after idle compaction`);
}

/**
 * The plaintext baseline, written the natural way with y-indexeddb: one database per record holding that
 * record's Y.Doc (the very state the vault holds, from `exportUpdate`, written while the record is loaded), and
 * one index doc whose `records` map holds the same overview fields, each entry rewritten as often as the vault
 * rewrote it (created in commits of 100, once per edit, once per attachment), then folded into one update by
 * y-indexeddb's own `storeState`.
 */
async function populateBaselineIndex(
  entries: readonly IndexEntry[],
  data: BenchData,
  ids: readonly string[],
): Promise<void> {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const indexDoc = new Y.Doc();
  const indexStore = new IndexeddbPersistence(PLAIN_INDEX, indexDoc);
  await indexStore.whenSynced;
  const map = indexDoc.getMap('records');
  const write = (list: readonly string[]) => {
    indexDoc.transact(() => {
      for (const id of list) {
        const e = byId.get(id);
        if (e === undefined) continue;
        map.set(id, {
          category: e.category,
          title: e.title,
          date: e.date,
          level: e.level,
          author: e.author,
          organisation: e.organisation,
          createdBy: e.created.by,
          createdAt: e.created.at,
          changedBy: e.changed.by,
          changedAt: e.changed.at,
        });
      }
    });
  };
  for (let i = 0; i < ids.length; i += COMMIT) write(ids.slice(i, i + COMMIT));
  const rounds = Math.max(0, ...data.records.map((r) => r.edits.length));
  for (let round = 0; round < rounds; round++) {
    const touched = ids.filter((_, i) => data.records[i]?.edits[round] !== undefined);
    for (let i = 0; i < touched.length; i += COMMIT) write(touched.slice(i, i + COMMIT));
  }
  for (const a of data.attachments) write([ids[a.record] ?? '']);
  await storeState(indexStore, true);
  await indexStore.destroy();
  indexDoc.destroy();
}

async function populateBaselineRecords(vault: Vault, ids: readonly string[], log: Log): Promise<void> {
  const queue = [...ids];
  let done = 0;
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, vault.records.exportUpdate(id));
      const store = new IndexeddbPersistence(`${PLAIN_RECORD_PREFIX}${id}`, doc);
      await store.whenSynced;
      await store.destroy();
      doc.destroy();
      done++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  log(`  baseline: ${done} record databases`);
}
