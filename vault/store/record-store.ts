// docs/PROTOCOL.md §18.4: the encrypted store behind the records model. Local edits are sealed as update
// envelopes and committed with strict durability in one transaction (sequence, envelope, outbox) before they
// count as saved; records are loaded from their newest snapshot plus trailing updates; compaction folds exactly
// the rows it read, in the same transaction, so an update written meanwhile (by another tab) is never dropped.
import * as Y from 'yjs';
import {
  ByteReader,
  fromHex,
  LIMITS as CRYPTO_LIMITS,
  sealSnapshot,
  sealUpdate,
  varint,
  type AttributionRow,
  type EnvelopeContext,
} from '#crypto';
import type { DocTarget, RecordsModel } from '../records/create-records-model.ts';
import { nowSeconds, type Clock } from '../records/ports.ts';
import { isVaultError, VaultError } from '../records/vault-error.ts';
import type { VaultKeys } from '../session/vault-keys.ts';
import type { SaveState, StoreProblem } from '../vault-api.ts';
import { liveRows, openRow, type OpenedRow } from './envelope-reader.ts';
import type { RowSealer } from './row-sealer.ts';
import type { EnvelopeRow, VaultDb } from './vault-db.ts';

/** §13.3's compaction policy. */
export interface CompactionPolicy {
  /** Snapshot when a record has at least this many trailing updates. */
  readonly maxTrailing: number;
  /** ... or trailing bytes at least max(this, snapshot size). */
  readonly minTrailingBytes: number;
  /** ... or after this long without an edit, when it has at least `idleMinTrailing`. */
  readonly idleMs: number;
  readonly idleMinTrailing: number;
  /** A snapshot's Yjs state may not exceed this (§7.6): a record whose state is larger stays as updates. */
  readonly maxStateBytes: number;
}
export const DEFAULT_COMPACTION: CompactionPolicy = {
  maxTrailing: 32,
  minTrailingBytes: 2048,
  idleMs: 30_000,
  idleMinTrailing: 4,
  maxStateBytes: CRYPTO_LIMITS.yjs,
};

export interface RecordStoreOptions {
  db: VaultDb;
  keys: VaultKeys;
  records: RecordsModel;
  rows: RowSealer;
  clock: Clock;
  report(problem: StoreProblem): void;
  /** After each commit of this tab's edits: the records written (the tab link tells other tabs). */
  onCommitted?(recordIds: readonly string[]): void;
  compaction?: Partial<CompactionPolicy>;
}

interface Trailing {
  count: number;
  bytes: number;
  snapshotBytes: number;
}

interface Pending {
  target: string;
  update: Uint8Array;
}

const encodeCounter = (nextSeq: number): Uint8Array => varint(nextSeq);
function decodeCounter(bytes: Uint8Array): number {
  const reader = new ByteReader(bytes);
  const value = reader.varint();
  if (reader.remaining !== 0 || value < 1) throw new VaultError('tampered_row', 'counter value');
  return value;
}

export type RecordStore = ReturnType<typeof createRecordStore>;

export function createRecordStore(options: RecordStoreOptions) {
  const { db, keys, records, rows, clock } = options;
  const report = (p: StoreProblem): void => {
    options.report(p);
  };
  const policy: CompactionPolicy = { ...DEFAULT_COMPACTION, ...options.compaction };
  const indexHex = keys.indexIdHex;
  const queue: Pending[] = [];
  const ownIds = new Set<number>();
  const loaded = new Set<string>();
  // Records of a loadAll batch still being read: loadRecord waits for its batch instead of returning early
  // (the record would otherwise be "not found" right after unlock on a large vault).
  const inFlight = new Map<string, Promise<void>>();
  const trailing = new Map<string, Trailing>();
  // Records whose state is over the snapshot cap: not compacted again until the next unlock (each attempt would
  // apply every row and fail after every edit). Their rows stay as updates, all of them read when opened.
  const overCap = new Set<string>();
  const saveListeners = new Set<(state: SaveState) => void>();
  let state: SaveState = { pending: 0, lastSavedAt: null, error: null };
  let running: Promise<void> | undefined;
  // The highest envelope id applyNewer has looked at. Only applyNewer and loadIndex move it: a record loaded
  // later reads all its rows itself, and moving the cursor past another loaded record's unseen rows would lose them.
  let cursor = 0;
  const life = { closed: false };
  // A function, not a variable: TypeScript would narrow a `let` after its first check across awaits.
  const isClosed = (): boolean => life.closed;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const rootOf = (hex: string): Uint8Array | undefined => (hex === indexHex ? undefined : records.recordRoot(hex));
  const context = (): EnvelopeContext => keys.context(rootOf);
  const targetHex = (target: DocTarget): string => (target.kind === 'index' ? indexHex : target.id);

  function setState(next: SaveState): void {
    state = next;
    for (const listener of saveListeners) listener(state);
  }

  function problem(recordId: string, code: StoreProblem['code'] = 'tampered_row', table = 'envelopes'): void {
    report({ code, table, recordId });
  }

  function trailingOf(hex: string): Trailing {
    let t = trailing.get(hex);
    if (t === undefined) {
      t = { count: 0, bytes: 0, snapshotBytes: 0 };
      trailing.set(hex, t);
    }
    return t;
  }

  async function addEnvelope(row: EnvelopeRow): Promise<number> {
    const id = await db.envelopes.add(row);
    if (typeof id !== 'number') throw new VaultError('invalid_doc', 'IndexedDB gave no envelope id');
    return id;
  }

  // ---- writing -------------------------------------------------------------------------------------------

  /** Next sequence of this device for a record: from its counter row, or rebuilt from the envelopes when the
   * row is missing or fails to open (a tampered counter must not stop the patient from saving). */
  async function nextSeq(hex: string): Promise<number> {
    const row = await db.counters.get(hex);
    if (row !== undefined) {
      try {
        return decodeCounter(rows.open('counters', hex, row.bytes));
      } catch (error) {
        if (!isVaultError(error, 'tampered_row')) throw error;
        problem(hex, 'tampered_row', 'counters');
      }
    }
    let max = 0;
    const ctx = context();
    const stored = await db.envelopes.where('recordId').equals(hex).toArray();
    for (const env of stored) {
      const opened = openRow(env, ctx);
      if (!opened.ok) continue;
      const { row: r } = opened;
      if (r.type === 'update' && r.author === keys.deviceIndex) max = Math.max(max, r.seq);
      if (r.type === 'snapshot') max = Math.max(max, r.coverage.get(keys.deviceIndex) ?? 0);
    }
    return max + 1;
  }

  async function writeBatch(batch: Pending[]): Promise<string[]> {
    const groups = new Map<string, Uint8Array[]>();
    for (const item of batch) {
      const list = groups.get(item.target) ?? [];
      list.push(item.update);
      groups.set(item.target, list);
    }
    const written: { hex: string; id: number; size: number }[] = [];
    await db.transaction('rw', db.counters, db.envelopes, db.outbox, async () => {
      written.length = 0;
      for (const [hex, updates] of groups) {
        const yjs = updates.length === 1 ? (updates[0] ?? new Uint8Array()) : Y.mergeUpdates(updates);
        const key = keys.key(hex, () => rootOf(hex));
        // A record deleted before its edits were committed: its root is gone with it (§17.2), and what it held
        // must not be written. Any other missing key is a bug, and the batch fails.
        if (key === undefined && records.removed(hex) !== undefined) continue;
        if (key === undefined) throw new VaultError('invalid_doc', `no key for record ${hex}`);
        const seq = await nextSeq(hex);
        const mhead = keys.membership.head?.seq ?? 0;
        const headHash = keys.headHashes[mhead];
        if (headHash === undefined) throw new VaultError('invalid_doc', 'membership head unknown');
        const bytes = sealUpdate(
          { author: keys.deviceIndex, epoch: keys.membership.epoch, seq, mhead },
          { time: nowSeconds(clock), yjs },
          { vaultId: keys.vaultId, recordId: fromHex(hex), key, authorSk: keys.identity.sigSk, headHash },
        );
        const row: EnvelopeRow = {
          recordId: hex,
          type: 1,
          author: keys.deviceIndex,
          seq,
          epoch: keys.membership.epoch,
          rv: 0,
          bytes,
        };
        const id = await addEnvelope(row);
        await db.outbox.add({
          recordId: hex,
          envelopeId: id,
          bytes: rows.seal('outbox', String(id), Uint8Array.of(1)),
        });
        await db.counters.put({ recordId: hex, bytes: rows.seal('counters', hex, encodeCounter(seq + 1)) });
        written.push({ hex, id, size: bytes.length });
      }
    });
    for (const w of written) {
      ownIds.add(w.id);
      const t = trailingOf(w.hex);
      t.count += 1;
      t.bytes += w.size;
    }
    return [...groups.keys()];
  }

  /** Drains the queue: everything queued while a commit runs goes into the next one (one transaction each). */
  async function drain(): Promise<void> {
    while (queue.length > 0 && !isClosed()) {
      const batch = queue.splice(0, queue.length);
      try {
        const ids = await writeBatch(batch);
        setState({ pending: queue.length, lastSavedAt: clock.now(), error: null });
        options.onCommitted?.(ids);
        for (const hex of ids) if (needsCompaction(hex, false)) await compactSafely(hex);
      } catch (error) {
        if (isClosed()) return;
        // Keep the edits in memory and in the queue; the next edit or flush retries.
        queue.unshift(...batch);
        const quota = error instanceof Error && /quota/i.test(`${error.name} ${error.message}`);
        setState({
          pending: queue.length,
          lastSavedAt: state.lastSavedAt,
          error: quota ? 'quota_exceeded' : 'write_failed',
        });
        throw error;
      }
    }
    scheduleIdleCompaction();
  }

  function kick(): Promise<void> {
    running ??= drain().finally(() => {
      running = undefined;
    });
    return running;
  }

  function enqueue(target: DocTarget, update: Uint8Array): void {
    if (isClosed()) return;
    queue.push({ target: targetHex(target), update });
    setState({ ...state, pending: queue.length });
    kick().catch(() => undefined);
  }

  async function flush(): Promise<void> {
    while (running !== undefined || queue.length > 0) {
      if (isClosed()) return;
      await kick();
    }
  }

  // ---- reading -------------------------------------------------------------------------------------------

  function openAll(list: readonly EnvelopeRow[], hex: string, ctx: EnvelopeContext): OpenedRow[] {
    const out: OpenedRow[] = [];
    for (const env of list) {
      const opened = openRow(env, ctx);
      if (opened.ok) out.push(opened.row);
      else problem(hex);
    }
    return out;
  }

  function applyRows(hex: string, opened: readonly OpenedRow[]): void {
    const { snapshot, trailing: updates } = liveRows(opened);
    const t = trailingOf(hex);
    t.count = updates.length;
    t.bytes = updates.reduce((sum, r) => sum + r.size, 0);
    t.snapshotBytes = snapshot?.size ?? 0;
    const parts = [...(snapshot === undefined ? [] : [snapshot.yjs]), ...updates.map((r) => r.yjs)];
    if (parts.length === 0) return;
    const merged = parts.length === 1 ? (parts[0] ?? new Uint8Array()) : Y.mergeUpdates(parts);
    try {
      if (hex === indexHex) records.applyIndexUpdate(merged);
      else records.applyUpdate(hex, merged);
    } catch (error) {
      if (!isVaultError(error, 'invalid_update')) throw error;
      problem(hex, 'unreadable_row');
    }
  }

  async function loadIndex(): Promise<void> {
    // Rows committed from here on are seen by applyNewer; rows before it by the loads (read again if both: Yjs
    // ignores what it already has).
    const last = await db.envelopes.orderBy(':id').last();
    cursor = Math.max(cursor, last?.id ?? 0);
    loaded.add(indexHex);
    const list = await db.envelopes.where('[recordId+id]').between([indexHex, 0], [indexHex, Infinity]).toArray();
    applyRows(indexHex, openAll(list, indexHex, context()));
  }

  async function loadRecord(hex: string): Promise<void> {
    if (isClosed()) return;
    if (loaded.has(hex)) {
      await inFlight.get(hex);
      return;
    }
    // Marked before reading: an update from another tab arriving meanwhile is applied on top (Yjs merges).
    loaded.add(hex);
    const list = await db.envelopes.where('[recordId+id]').between([hex, 0], [hex, Infinity]).toArray();
    if (isClosed()) return;
    applyRows(hex, openAll(list, hex, context()));
  }

  /** Loads every record the index lists, a batch at a time so the page stays responsive. */
  async function loadAll(onProgress?: (done: number, total: number) => void): Promise<void> {
    const ids = records
      .list()
      .map((e) => e.id)
      .filter((id) => !loaded.has(id));
    const batchSize = 250;
    for (let i = 0; i < ids.length && !isClosed(); i += batchSize) {
      const batch = ids.slice(i, i + batchSize);
      const done = (async () => {
        const rowsOf = await db.envelopes.where('recordId').anyOf(batch).toArray();
        if (isClosed()) return;
        const byRecord = new Map<string, EnvelopeRow[]>();
        for (const row of rowsOf) {
          const list = byRecord.get(row.recordId) ?? [];
          list.push(row);
          byRecord.set(row.recordId, list);
        }
        const ctx = context();
        for (const [hex, list] of byRecord) {
          list.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
          applyRows(hex, openAll(list, hex, ctx));
        }
      })();
      for (const id of batch) {
        loaded.add(id);
        inFlight.set(id, done);
      }
      try {
        await done;
      } catch (error) {
        // Not loaded after all: a retry reads this batch again (loadRecord reads such a record itself).
        for (const id of batch) loaded.delete(id);
        throw error;
      } finally {
        for (const id of batch) inFlight.delete(id);
      }
      if (isClosed()) return;
      onProgress?.(Math.min(i + batchSize, ids.length), ids.length);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Applies rows other tabs committed since this tab last looked (BroadcastChannel `changed`). */
  async function applyNewer(): Promise<void> {
    if (isClosed()) return;
    const list = await db.envelopes.where('id').above(cursor).toArray();
    if (isClosed()) return;
    const ctx = context();
    const byRecord = new Map<string, EnvelopeRow[]>();
    // The cursor moves only once these rows are applied: after a failure, a retry reads them again.
    let seen = cursor;
    for (const row of list) {
      if (row.id !== undefined) seen = Math.max(seen, row.id);
      if (row.id !== undefined && ownIds.has(row.id)) continue;
      if (!loaded.has(row.recordId)) continue; // read in full from storage when first opened
      const rows2 = byRecord.get(row.recordId) ?? [];
      rows2.push(row);
      byRecord.set(row.recordId, rows2);
    }
    // The index first: a new record's root must be known before its first update can be opened.
    const order = [...byRecord.keys()].sort((a, b) => Number(b === indexHex) - Number(a === indexHex));
    for (const hex of order) applyOpened(hex, openAll(byRecord.get(hex) ?? [], hex, ctx));
    cursor = Math.max(cursor, seen);
  }

  function applyOpened(hex: string, opened: readonly OpenedRow[]): void {
    for (const row of opened) {
      try {
        if (hex === indexHex) records.applyIndexUpdate(row.yjs);
        else records.applyUpdate(hex, row.yjs);
      } catch (error) {
        if (!isVaultError(error, 'invalid_update')) throw error;
        problem(hex, 'unreadable_row');
      }
    }
  }

  // ---- compaction ----------------------------------------------------------------------------------------

  function needsCompaction(hex: string, idle: boolean): boolean {
    const t = trailing.get(hex);
    if (t === undefined || overCap.has(hex)) return false;
    // A large snapshot (the index of a big vault) is costly to rewrite: let more updates trail behind it, in
    // proportion to its size (one trailing update per 2 KiB of snapshot), so rewriting it stays a small share.
    if (t.count >= Math.max(policy.maxTrailing, Math.floor(t.snapshotBytes / 2048))) return true;
    if (t.count >= 2 && t.bytes >= Math.max(policy.minTrailingBytes, t.snapshotBytes)) return true;
    return idle && t.count >= policy.idleMinTrailing;
  }

  function attributionOf(rowsIn: readonly OpenedRow[]): AttributionRow[] {
    const out: AttributionRow[] = [];
    for (const r of rowsIn) {
      if (r.type === 'snapshot') {
        out.push(...r.attribution);
        continue;
      }
      const meta = Y.parseUpdateMeta(r.yjs);
      for (const [client, from] of meta.from) {
        const to = meta.to.get(client) ?? from;
        if (to <= from) continue;
        out.push({
          client,
          author: r.author,
          seqLo: r.seq,
          seqN: 1,
          clockLo: from,
          clockN: to - from,
          tLo: r.time,
          tN: 0,
        });
      }
    }
    return out;
  }

  /**
   * Folds a record's stored rows into one snapshot, in one transaction: the rows read are exactly the rows
   * folded and deleted, so an update committed by another tab before the transaction is included and one
   * committed after it is untouched. A row that fails to open stops compaction (it stays, reported).
   * Rows of other tabs this tab has not applied yet are applied to the open record here: once folded into this
   * tab's own snapshot (which applyNewer skips) and deleted, nothing else would bring them.
   */
  async function compact(hex: string): Promise<boolean> {
    if (isClosed()) return false;
    const key = keys.key(hex, () => rootOf(hex));
    if (key === undefined) return false;
    const outcome = { done: false, size: 0 };
    const unseen: OpenedRow[] = [];
    await db.transaction('rw', db.envelopes, db.outbox, async () => {
      unseen.length = 0;
      const list = await db.envelopes.where('[recordId+id]').between([hex, 0], [hex, Infinity]).toArray();
      const ctx = context();
      const opened: OpenedRow[] = [];
      for (const env of list) {
        const result = openRow(env, ctx);
        if (!result.ok) {
          problem(hex);
          return;
        }
        opened.push(result.row);
      }
      const { snapshot, trailing: updates } = liveRows(opened);
      if (updates.length === 0) return;
      const doc = new Y.Doc({ gc: true });
      try {
        if (snapshot !== undefined) Y.applyUpdate(doc, snapshot.yjs);
        for (const u of updates) Y.applyUpdate(doc, u.yjs);
        // An update whose dependencies are not among the rows read stays pending in Yjs, and
        // encodeStateAsUpdate leaves pending structs out: folding now would delete it. Leave the rows as
        // they are; a later compaction, once the dependency is stored, folds them all.
        if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return;
        const coverage = new Map(snapshot?.coverage ?? []);
        for (const u of updates) coverage.set(u.author, Math.max(coverage.get(u.author) ?? 0, u.seq));
        const mhead = keys.membership.head?.seq ?? 0;
        const headHash = keys.headHashes[mhead];
        if (headHash === undefined) return;
        const yjsState = Y.encodeStateAsUpdate(doc);
        if (yjsState.length > policy.maxStateBytes) {
          overCap.add(hex);
          return;
        }
        const bytes = sealSnapshot(
          {
            author: keys.deviceIndex,
            epoch: keys.membership.epoch,
            mhead,
            coverage: [...coverage].sort((a, b) => a[0] - b[0]),
          },
          {
            yjsState,
            time: nowSeconds(clock),
            attribution: attributionOf([...(snapshot === undefined ? [] : [snapshot]), ...updates]),
          },
          { vaultId: keys.vaultId, recordId: fromHex(hex), key, authorSk: keys.identity.sigSk, headHash },
        );
        const id = await addEnvelope({
          recordId: hex,
          type: 2,
          author: keys.deviceIndex,
          seq: 0,
          epoch: keys.membership.epoch,
          rv: 0,
          bytes,
        });
        ownIds.add(id);
        if (loaded.has(hex)) unseen.push(...opened.filter((r) => !ownIds.has(r.id) && r.id > cursor));
        const folded = opened.map((r) => r.id);
        await db.envelopes.bulkDelete(folded);
        await db.outbox.where('envelopeId').anyOf(folded).delete();
        await db.outbox.add({
          recordId: hex,
          envelopeId: id,
          bytes: rows.seal('outbox', String(id), Uint8Array.of(2)),
        });
        outcome.size = bytes.length;
        outcome.done = true;
      } finally {
        doc.destroy();
      }
    });
    if (outcome.done) {
      trailing.set(hex, { count: 0, bytes: 0, snapshotBytes: outcome.size });
      if (!isClosed()) applyOpened(hex, unseen);
    }
    return outcome.done;
  }

  async function compactSafely(hex: string): Promise<void> {
    try {
      await compact(hex);
    } catch (error) {
      // Compaction is an optimisation: the updates stay and are retried later.
      if (!isClosed()) report({ code: 'unreadable_row', table: 'envelopes', recordId: hex });
      if (!(error instanceof Error)) throw error;
    }
  }

  function scheduleIdleCompaction(): void {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    if (isClosed()) return;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      void (async () => {
        for (const hex of [...trailing.keys()]) {
          if (isClosed() || queue.length > 0) return;
          if (needsCompaction(hex, true)) await compactSafely(hex);
        }
      })();
    }, policy.idleMs);
  }

  /**
   * Crypto-erasure of a deleted record (§17.2): every row of the record goes, then the index is compacted so its
   * root R_r is no longer in any stored index row. Runs after the tombstone is committed.
   */
  async function purge(hex: string): Promise<void> {
    await flush();
    if (isClosed()) return;
    await db.transaction('rw', db.envelopes, db.outbox, db.counters, db.state, async () => {
      await db.envelopes.where('recordId').equals(hex).delete();
      await db.outbox.where('recordId').equals(hex).delete();
      await db.counters.delete(hex);
      await db.state.delete(hex);
    });
    trailing.delete(hex);
    loaded.delete(hex);
    await compact(indexHex);
  }

  return {
    enqueue,
    purge,
    flush,
    loadIndex,
    loadRecord,
    loadAll,
    applyNewer,
    compact,
    isLoaded: (hex: string): boolean => loaded.has(hex),
    trailing: (hex: string): number => trailing.get(hex)?.count ?? 0,
    saveState: (): SaveState => state,
    onSaveState(listener: (s: SaveState) => void): () => void {
      saveListeners.add(listener);
      return () => saveListeners.delete(listener);
    },
    /** Stops writing and timers (on lock). Edits not yet committed are not shown as saved. */
    close(): void {
      life.closed = true;
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      queue.length = 0;
      saveListeners.clear();
    },
  };
}
