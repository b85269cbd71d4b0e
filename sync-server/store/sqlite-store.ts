import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type {
  BlobInfo,
  EnvelopeRow,
  MembershipCheckpoint,
  NewEnvelope,
  PageLimit,
  RecordState,
  RelayStore,
  StoredWrap,
} from './relay-store.ts';
import { BASELINE_VERSION, pendingMigrations } from './migrations.ts';
import { membershipBytes } from './relay-store.ts';
import { SCHEMA_VERSION } from './schema-version.ts';
import { KIND_CODE, KIND_NAME, SQLITE_SCHEMA } from './sqlite-schema.ts';

export interface SqliteStore extends RelayStore {
  readonly kind: 'sqlite';
  /** The pragma values the store runs with, so tests can prove durability settings. */
  pragmas(): { journalMode: string; synchronous: number };
  /** `PRAGMA integrity_check` result ('ok' when sound). */
  integrityCheck(): string;
}

/** Hooks for tests that prove ordering (an ACK after the commit); never set in production. */
export interface StoreProbe {
  afterCommit?: (what: string) => void;
}

interface EnvelopeDbRow {
  rv: number;
  record_id: Buffer;
  kind: 1 | 2 | 3;
  author: number;
  seq: number;
  bytes: Buffer | null;
}

const toRow = (r: EnvelopeDbRow): EnvelopeRow => ({
  rv: r.rv,
  recordId: new Uint8Array(r.record_id),
  kind: KIND_NAME[r.kind],
  author: r.author,
  seq: r.seq,
  bytes: new Uint8Array(r.bytes ?? new Uint8Array(0)),
});

/** Creates the baseline when absent, then applies each pending migration in its own transaction (migrations.ts). */
function migrate(db: Database.Database): void {
  db.exec(SQLITE_SCHEMA);
  const row = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).get();
  const setVersion = db.prepare(
    `INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  // A new file was just created at the baseline.
  if (row === undefined) setVersion.run(String(BASELINE_VERSION));
  for (const m of pendingMigrations(Number(row?.value ?? BASELINE_VERSION), SCHEMA_VERSION)) {
    db.transaction(() => {
      db.exec(m.sqlite);
      setVersion.run(String(m.version));
    })();
  }
}

/**
 * Reads rows up to `limit` and stops the statement there: the iterator lives inside one synchronous call, so no
 * cursor stays open across an await (better-sqlite3 forbids it) and a page never loads the rest of the vault.
 */
function page(rows: IterableIterator<EnvelopeDbRow>, limit: PageLimit | undefined): EnvelopeRow[] {
  const out: EnvelopeRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    out.push(toRow(row));
    bytes += row.bytes?.length ?? 0;
    if (limit !== undefined && (out.length >= limit.rows || bytes >= limit.bytes)) {
      break;
    }
  }
  return out;
}

/**
 * Opens (creating when absent) the relay's SQLite database.
 * WAL for concurrent readers, synchronous=FULL so a commit is on disk before we acknowledge it.
 * better-sqlite3 is synchronous: every method's transaction has committed when its promise resolves.
 */
export function openSqliteStore(file: string, probe: StoreProbe = {}): SqliteStore {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Owner-only like the signing key (issue 12): SQLite gives its -wal and -shm files the database file's
    // mode, so creating the file 0600 first covers all three; an older world-readable store is tightened.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') {
    for (const side of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(side)) fs.chmodSync(side, 0o600);
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const committed = (what: string): void => probe.afterCommit?.(what);

  const q = {
    version: db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`),
    vault: db.prepare<[Buffer], { rv: number; used_bytes: number }>(
      `SELECT rv, used_bytes FROM vaults WHERE vault_id = ?`,
    ),
    insertVault: db.prepare(`INSERT INTO vaults (vault_id) VALUES (?) ON CONFLICT DO NOTHING`),
    insertMember: db.prepare(`INSERT INTO members (vault_id, seq, entry) VALUES (?, ?, ?)`),
    members: db.prepare<[Buffer, number, number], { entry: Buffer }>(
      `SELECT entry FROM members WHERE vault_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    ),
    insertWrap: db.prepare(`INSERT INTO wraps (vault_id, recipient, epoch, wrap) VALUES (?, ?, ?, ?)`),
    wraps: db.prepare<[Buffer, number, number], { wrap: Buffer }>(
      `SELECT wrap FROM wraps WHERE vault_id = ? AND recipient = ? AND epoch >= ? ORDER BY epoch`,
    ),
    saveState: db.prepare(
      `INSERT INTO member_state (vault_id, seq, state) VALUES (?, ?, ?)
       ON CONFLICT (vault_id) DO UPDATE SET seq = excluded.seq, state = excluded.state WHERE excluded.seq >= seq`,
    ),
    stateless: db.prepare<[Buffer, number], { vault_id: Buffer }>(
      `SELECT vault_id FROM vaults v WHERE vault_id > ?
         AND NOT EXISTS (SELECT 1 FROM member_state s WHERE s.vault_id = v.vault_id) ORDER BY vault_id LIMIT ?`,
    ),
    state: db.prepare<[Buffer], { seq: number; state: Buffer }>(
      `SELECT seq, state FROM member_state WHERE vault_id = ?`,
    ),
    saveKey: db.prepare(
      `INSERT INTO principal_keys (vault_id, idx, role, sig_pk, active) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (vault_id, idx) DO UPDATE SET role = excluded.role, sig_pk = excluded.sig_pk, active = excluded.active`,
    ),
    key: db.prepare<[Buffer, number], { role: string; sig_pk: Buffer; active: number }>(
      `SELECT role, sig_pk, active FROM principal_keys WHERE vault_id = ? AND idx = ?`,
    ),
    record: db.prepare<[Buffer, Buffer], { snapshot_rv: number; deleted: number }>(
      `SELECT snapshot_rv, deleted FROM records WHERE vault_id = ? AND record_id = ?`,
    ),
    highWater: db.prepare<[Buffer, Buffer], { author: number; seq: number }>(
      `SELECT author, seq FROM high_water WHERE vault_id = ? AND record_id = ?`,
    ),
    findUpdate: db.prepare<[Buffer, Buffer, number, number], { rv: number; hash: Buffer }>(
      `SELECT rv, hash FROM envelopes WHERE vault_id = ? AND record_id = ? AND author = ? AND seq = ? AND kind = 1`,
    ),
    upsertRecord: db.prepare(`INSERT INTO records (vault_id, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING`),
    setSnapshot: db.prepare(`UPDATE records SET snapshot_rv = ? WHERE vault_id = ? AND record_id = ?`),
    insertEnvelope: db.prepare(
      `INSERT INTO envelopes (vault_id, rv, record_id, kind, author, seq, hash, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    raiseHighWater: db.prepare(
      `INSERT INTO high_water (vault_id, record_id, author, seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (vault_id, record_id, author) DO UPDATE SET seq = max(seq, excluded.seq)`,
    ),
    bumpVault: db.prepare(`UPDATE vaults SET rv = ?, used_bytes = used_bytes + ? WHERE vault_id = ?`),
    // A NULL prefix matches nothing: substr(…, 1, NULL) is NULL, and so is the comparison.
    since: db.prepare<[Buffer, number, string | null, string | null, Buffer | null, Buffer | null], EnvelopeDbRow>(
      `SELECT e.rv, e.record_id, e.kind, e.author, e.seq, e.bytes FROM envelopes e
       JOIN records r ON r.vault_id = e.vault_id AND r.record_id = e.record_id
       WHERE e.vault_id = ? AND e.rv > ? AND e.rv >= r.snapshot_rv AND r.deleted = 0 AND e.bytes IS NOT NULL
         AND (? IS NULL OR hex(e.record_id) IN (SELECT value FROM json_each(?))
              OR substr(e.record_id, 1, length(?)) = ?)
       ORDER BY e.rv`,
    ),
    range: db.prepare<[Buffer, Buffer, number, number, number], EnvelopeDbRow>(
      `SELECT rv, record_id, kind, author, seq, bytes FROM envelopes
       WHERE vault_id = ? AND record_id = ? AND kind = 1 AND author = ? AND seq BETWEEN ? AND ? AND bytes IS NOT NULL ORDER BY seq`,
    ),
    blob: db.prepare<[Buffer, Buffer], { record_id: Buffer; size: number; received: number; complete: number }>(
      `SELECT record_id, size, received, complete FROM blobs WHERE vault_id = ? AND blob_id = ?`,
    ),
    startBlob: db.prepare(
      `INSERT INTO blobs (vault_id, blob_id, record_id, size) VALUES (?, ?, ?, ?)
       ON CONFLICT (vault_id, blob_id) DO UPDATE SET received = 0, record_id = excluded.record_id, size = excluded.size
       WHERE complete = 0`,
    ),
    blobBytes: db.prepare<[Buffer, Buffer], { total: number | null }>(
      `SELECT sum(length(bytes)) AS total FROM blob_chunks WHERE vault_id = ? AND blob_id = ?`,
    ),
    clearChunks: db.prepare(`DELETE FROM blob_chunks WHERE vault_id = ? AND blob_id = ?`),
    insertChunk: db.prepare(`INSERT INTO blob_chunks (vault_id, blob_id, offset, bytes) VALUES (?, ?, ?, ?)`),
    advanceBlob: db.prepare(`UPDATE blobs SET received = ?, complete = ? WHERE vault_id = ? AND blob_id = ?`),
    deleteBlob: db.prepare(`DELETE FROM blobs WHERE vault_id = ? AND blob_id = ?`),
    addUsed: db.prepare(`UPDATE vaults SET used_bytes = used_bytes + ? WHERE vault_id = ?`),
    nextChunk: db.prepare<[Buffer, Buffer, number], { offset: number; bytes: Buffer }>(
      `SELECT offset, bytes FROM blob_chunks WHERE vault_id = ? AND blob_id = ? AND offset >= ? ORDER BY offset LIMIT 1`,
    ),
  };
  const b = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** Runs a synchronous database step and reports its failure as a rejected promise, never a synchronous throw. */
  const settle = <T>(step: () => T): Promise<T> => {
    try {
      return Promise.resolve(step());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const insertWraps = (vault: Buffer, wraps: StoredWrap[]): void => {
    for (const w of wraps) q.insertWrap.run(vault, w.recipient, w.epoch, b(w.bytes));
  };
  const saveCheckpoint = (vault: Buffer, cp: MembershipCheckpoint | undefined): void => {
    if (cp === undefined) return;
    // An older state (a late backfill) changes nothing, its keys included.
    if (q.saveState.run(vault, cp.seq, b(cp.state)).changes === 0) return;
    for (const k of cp.keys) q.saveKey.run(vault, k.index, k.role, b(k.sigPk), k.active ? 1 : 0);
  };
  const insertEnvelopes = (vault: Buffer, firstRv: number, envelopes: NewEnvelope[]): void => {
    envelopes.forEach((e, i) => {
      const rv = firstRv + i;
      q.upsertRecord.run(vault, b(e.recordId));
      q.insertEnvelope.run(vault, rv, b(e.recordId), KIND_CODE[e.kind], e.author, e.seq, b(e.hash), b(e.bytes));
      if (e.kind === 'update') q.raiseHighWater.run(vault, b(e.recordId), e.author, e.seq);
      if (e.kind !== 'update') {
        q.setSnapshot.run(rv, vault, b(e.recordId));
        for (const [author, seq] of e.coverage ?? []) q.raiseHighWater.run(vault, b(e.recordId), author, seq);
      }
    });
  };

  const createVault = db.transaction(
    (
      vaultId: Uint8Array,
      genesis: Uint8Array,
      wraps: StoredWrap[],
      indexSnapshot: NewEnvelope | undefined,
      checkpoint: MembershipCheckpoint | undefined,
    ): boolean => {
      const vault = b(vaultId);
      if (q.insertVault.run(vault).changes === 0) return false;
      q.insertMember.run(vault, 0, b(genesis));
      insertWraps(vault, wraps);
      saveCheckpoint(vault, checkpoint);
      q.addUsed.run(membershipBytes([genesis], wraps), vault);
      if (indexSnapshot !== undefined) {
        insertEnvelopes(vault, 1, [indexSnapshot]);
        q.bumpVault.run(1, indexSnapshot.bytes.length, vault);
      }
      return true;
    },
  );
  const appendMembership = db.transaction(
    (
      vaultId: Uint8Array,
      firstSeq: number,
      entries: Uint8Array[],
      wraps: StoredWrap[],
      checkpoint: MembershipCheckpoint | undefined,
    ): void => {
      const vault = b(vaultId);
      saveCheckpoint(vault, checkpoint);
      // A taken seq or an already stored wrap throws out of the transaction, which rolls back the whole batch.
      entries.forEach((entry, i) => q.insertMember.run(vault, firstSeq + i, b(entry)));
      insertWraps(vault, wraps);
      q.addUsed.run(membershipBytes(entries, wraps), vault);
    },
  );
  const commitEnvelopes = db.transaction(
    (vaultId: Uint8Array, firstRv: number, envelopes: NewEnvelope[], addedBytes: number) => {
      const vault = b(vaultId);
      // Relay versions are consecutive per vault: a gap would make a client's delta fetch skip envelopes.
      if (q.vault.get(vault)?.rv !== firstRv - 1)
        throw new Error('commitEnvelopes: first rv does not follow the vault rv');
      insertEnvelopes(vault, firstRv, envelopes);
      q.bumpVault.run(firstRv + envelopes.length - 1, addedBytes, vault);
    },
  );
  const appendChunk = db.transaction(
    (vaultId: Uint8Array, blobId: Uint8Array, offset: number, bytes: Uint8Array, complete: boolean) => {
      const vault = b(vaultId);
      q.insertChunk.run(vault, b(blobId), offset, b(bytes));
      q.advanceBlob.run(offset + bytes.length, complete ? 1 : 0, vault, b(blobId));
      q.addUsed.run(bytes.length, vault);
    },
  );
  const startBlob = db.transaction((vaultId: Uint8Array, blobId: Uint8Array, recordId: Uint8Array, size: number) => {
    const vault = b(vaultId);
    const info = q.blob.get(vault, b(blobId));
    // A complete blob is content-addressed and final: never wipe it. An unfinished upload restarts from 0 under
    // the new announce's record and size (nothing of an earlier announce sticks) and gives its bytes back.
    if (info?.complete === 1) return;
    const stored = q.blobBytes.get(vault, b(blobId))?.total ?? 0;
    q.clearChunks.run(vault, b(blobId));
    if (stored > 0) q.addUsed.run(-stored, vault);
    q.startBlob.run(vault, b(blobId), b(recordId), size);
  });
  const discardBlob = db.transaction((vaultId: Uint8Array, blobId: Uint8Array) => {
    const vault = b(vaultId);
    const info = q.blob.get(vault, b(blobId));
    q.clearChunks.run(vault, b(blobId));
    q.deleteBlob.run(vault, b(blobId));
    if (info) q.addUsed.run(-info.received, vault);
  });

  return {
    kind: 'sqlite',
    health: () => Promise.resolve(db.prepare('SELECT 1 AS ok').get() !== undefined),
    schemaVersion: () => Promise.resolve(Number(q.version.get()?.value ?? 0)),
    pragmas: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
    }),
    integrityCheck: () => String(db.pragma('integrity_check', { simple: true })),
    close: () => {
      if (db.open) db.close();
      return Promise.resolve();
    },
    createVault: (vaultId, genesis, wraps, indexSnapshot, checkpoint) =>
      settle(() => {
        const created = createVault(vaultId, genesis, wraps, indexSnapshot, checkpoint);
        committed('createVault');
        return created;
      }),
    vault: (vaultId) => {
      const row = q.vault.get(b(vaultId));
      return Promise.resolve(row && { rv: row.rv, usedBytes: row.used_bytes });
    },
    membership: (vaultId, since, limit) =>
      Promise.resolve(q.members.all(b(vaultId), since, limit).map((r) => new Uint8Array(r.entry))),
    appendMembership: (vaultId, firstSeq, entries, wraps, checkpoint) =>
      settle(() => {
        try {
          appendMembership(vaultId, firstSeq, entries, wraps, checkpoint);
        } catch (error) {
          if (error instanceof Error && /UNIQUE|PRIMARY KEY/.test(error.message)) return false;
          throw error;
        }
        committed('appendMembership');
        return true;
      }),
    saveMembershipState: (vaultId, checkpoint) =>
      settle(() => {
        db.transaction(() => saveCheckpoint(b(vaultId), checkpoint))();
      }),
    membershipState: (vaultId) => {
      const row = q.state.get(b(vaultId));
      return Promise.resolve(row && { seq: row.seq, state: new Uint8Array(row.state) });
    },
    vaultsWithoutState: (after, limit) =>
      Promise.resolve(q.stateless.all(b(after), limit).map((r) => new Uint8Array(r.vault_id))),
    principalKey: (vaultId, index) => {
      const row = q.key.get(b(vaultId), index);
      return Promise.resolve(
        row && { index, role: row.role, sigPk: new Uint8Array(row.sig_pk), active: row.active === 1 },
      );
    },
    wraps: (vaultId, recipient, fromEpoch) =>
      Promise.resolve(q.wraps.all(b(vaultId), recipient, fromEpoch).map((r) => new Uint8Array(r.wrap))),
    recordState: (vaultId, recordId): Promise<RecordState> => {
      const record = q.record.get(b(vaultId), b(recordId));
      const hw = new Map(q.highWater.all(b(vaultId), b(recordId)).map((r) => [r.author, r.seq] as const));
      return Promise.resolve({ hw, snapshotRv: record?.snapshot_rv ?? 0, deleted: record?.deleted === 1 });
    },
    findUpdate: (vaultId, recordId, author, seq) => {
      const row = q.findUpdate.get(b(vaultId), b(recordId), author, seq);
      return Promise.resolve(row && { rv: row.rv, hash: new Uint8Array(row.hash) });
    },
    commitEnvelopes: (vaultId, firstRv, envelopes, addedBytes) =>
      settle(() => {
        commitEnvelopes(vaultId, firstRv, envelopes, addedBytes);
        committed('commitEnvelopes');
      }),
    envelopesSince: (vaultId, sinceRv, recordIds, limit, idPrefix) => {
      const scope =
        recordIds === undefined
          ? null
          : JSON.stringify(recordIds.map((id) => Buffer.from(id).toString('hex').toUpperCase()));
      const prefix = idPrefix === undefined ? null : b(idPrefix);
      return settle(() => page(q.since.iterate(b(vaultId), sinceRv, scope, scope, prefix, prefix), limit));
    },
    updatesRange: (vaultId, recordId, author, from, to, limit) =>
      settle(() => page(q.range.iterate(b(vaultId), b(recordId), author, from, to), limit)),
    blob: (vaultId, blobId): Promise<BlobInfo | undefined> => {
      const row = q.blob.get(b(vaultId), b(blobId));
      return Promise.resolve(
        row && {
          recordId: new Uint8Array(row.record_id),
          size: row.size,
          received: row.received,
          complete: row.complete === 1,
        },
      );
    },
    startBlob: (vaultId, blobId, recordId, size) =>
      settle(() => {
        startBlob(vaultId, blobId, recordId, size);
      }),
    appendBlobChunk: (vaultId, blobId, offset, bytes, complete) =>
      settle(() => {
        appendChunk(vaultId, blobId, offset, bytes, complete);
        committed('appendBlobChunk');
      }),
    discardBlob: (vaultId, blobId) =>
      settle(() => {
        discardBlob(vaultId, blobId);
      }),
    blobChunks: async function* (vaultId, blobId, offset) {
      // One chunk per query (no open cursor across awaits), so a 100 MB blob never sits whole in memory
      // and other statements can run between chunks.
      let at = offset;
      for (;;) {
        const row = q.nextChunk.get(b(vaultId), b(blobId), at);
        if (row === undefined) return;
        yield { offset: row.offset, bytes: new Uint8Array(row.bytes) };
        at = row.offset + row.bytes.length;
        await Promise.resolve();
      }
    },
  };
}
