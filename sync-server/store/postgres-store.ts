import pg from 'pg';
import { postgresSchema } from './postgres-schema.ts';
import {
  membershipBytes,
  type BlobInfo,
  type MembershipCheckpoint,
  type NewEnvelope,
  type RecordState,
  type RelayStore,
  type StoredWrap,
} from './relay-store.ts';
import { BASELINE_VERSION, pendingMigrations } from './migrations.ts';
import { SCHEMA_VERSION } from './schema-version.ts';
import { b, int, Refusal, toRow, transactor, type Client, type EnvelopeDbRow, type Int } from './postgres-tx.ts';
import { KIND_CODE } from './sqlite-schema.ts';

/** The last row of a page that stays within `bytes` (always at least one row), or undefined for no rows. */
function cut<T extends { size: Int | null }>(rows: T[], bytes: number): T | undefined {
  let total = 0;
  for (const row of rows) {
    total += Number(row.size ?? 0);
    if (total >= bytes) return row;
  }
  return rows.at(-1);
}

export interface PostgresStore extends RelayStore {
  readonly kind: 'postgres';
}

/**
 * Hooks for tests that prove ordering (an ACK after the commit); never set in production. Structurally the
 * same as sqlite-store.ts's StoreProbe (kept local: relay-store.ts is being reshaped by the relay core).
 */
export interface StoreProbe {
  afterCommit?: (what: string) => void;
}

/**
 * Connects to PostgreSQL and migrates the schema. The URL never reaches a log line.
 * Every write is one transaction on one pooled client that locks the vault row first (FOR NO KEY UPDATE), so
 * two relays or two racing calls on one vault serialise there and cannot corrupt rv, high-water marks or used
 * bytes; the promise resolves after COMMIT.
 */
export async function openPostgresStore(
  databaseUrl: string,
  options: { schema?: string } = {},
  probe: StoreProbe = {},
): Promise<PostgresStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('invalid schema name');
  const s = schema;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client losing its connection must not crash the relay; the next query reconnects.
  pool.on('error', () => undefined);

  const tx = transactor(pool, probe);

  try {
    // Two relays starting together would race on CREATE ... IF NOT EXISTS (a unique violation in pg_type):
    // the advisory lock makes the migration one at a time.
    await tx(undefined, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`carnet-migrate:${s}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await c.query(postgresSchema(s));
      const { rows } = await c.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
      // All pending migrations in this one transaction (PostgreSQL runs DDL transactionally): all or none.
      for (const m of pendingMigrations(Number(rows[0]?.value ?? BASELINE_VERSION), SCHEMA_VERSION)) {
        await c.query(m.postgres(s));
        await c.query(
          `INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(m.version)],
        );
      }
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  const lockVault = async (c: Client, vault: Buffer): Promise<{ rv: number; usedBytes: number }> => {
    const { rows } = await c.query<{ rv: Int; used_bytes: Int }>(
      `SELECT rv, used_bytes FROM ${s}.vaults WHERE vault_id = $1 FOR NO KEY UPDATE`,
      [vault],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('unknown vault');
    return { rv: int(row.rv), usedBytes: int(row.used_bytes) };
  };
  const saveCheckpoint = async (c: Client, vault: Buffer, cp: MembershipCheckpoint | undefined): Promise<void> => {
    if (cp === undefined) return;
    const saved = await c.query(
      `INSERT INTO ${s}.member_state (vault_id, seq, state) VALUES ($1, $2, $3)
       ON CONFLICT (vault_id) DO UPDATE SET seq = excluded.seq, state = excluded.state
       WHERE excluded.seq >= ${s}.member_state.seq`,
      [vault, cp.seq, b(cp.state)],
    );
    // An older state (a late backfill) changes nothing, its keys included.
    if (saved.rowCount !== 1) return;
    for (const k of cp.keys) {
      await c.query(
        `INSERT INTO ${s}.principal_keys (vault_id, idx, role, sig_pk, active) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (vault_id, idx) DO UPDATE SET role = excluded.role, sig_pk = excluded.sig_pk, active = excluded.active`,
        [vault, k.index, k.role, b(k.sigPk), k.active],
      );
    }
  };
  const insertWraps = async (c: Client, vault: Buffer, wraps: StoredWrap[]): Promise<void> => {
    for (const w of wraps) {
      const inserted = await c.query(
        `INSERT INTO ${s}.wraps (vault_id, recipient, epoch, wrap) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [vault, w.recipient, w.epoch, b(w.bytes)],
      );
      // A stored wrap is never replaced (PROTOCOL.md §8.2): the whole write is refused and rolled back.
      if (inserted.rowCount !== 1) throw new Refusal(false);
    }
  };
  const raiseHighWater = (c: Client, vault: Buffer, record: Buffer, author: number, seq: number) =>
    c.query(
      `INSERT INTO ${s}.high_water (vault_id, record_id, author, seq) VALUES ($1, $2, $3, $4)
       ON CONFLICT (vault_id, record_id, author) DO UPDATE SET seq = GREATEST(high_water.seq, excluded.seq)`,
      [vault, record, author, seq],
    );
  const insertEnvelopes = async (c: Client, vault: Buffer, firstRv: number, envelopes: NewEnvelope[]) => {
    for (const [i, e] of envelopes.entries()) {
      const rv = firstRv + i;
      const record = b(e.recordId);
      await c.query(`INSERT INTO ${s}.records (vault_id, record_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        vault,
        record,
      ]);
      await c.query(
        `INSERT INTO ${s}.envelopes (vault_id, rv, record_id, kind, author, seq, hash, bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [vault, rv, record, KIND_CODE[e.kind], e.author, e.seq, b(e.hash), b(e.bytes)],
      );
      if (e.kind === 'update') {
        await raiseHighWater(c, vault, record, e.author, e.seq);
        continue;
      }
      // A snapshot or a deposit becomes the active snapshot; its coverage raises the marks.
      await c.query(`UPDATE ${s}.records SET snapshot_rv = $1 WHERE vault_id = $2 AND record_id = $3`, [
        rv,
        vault,
        record,
      ]);
      for (const [author, seq] of e.coverage ?? []) await raiseHighWater(c, vault, record, author, seq);
    }
  };
  const addUsed = (c: Client, vault: Buffer, delta: number) =>
    c.query(`UPDATE ${s}.vaults SET used_bytes = used_bytes + $1 WHERE vault_id = $2`, [delta, vault]);

  let closed = false;
  return {
    kind: 'postgres',
    health: async () => (await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok === 1,
    schemaVersion: async () => {
      const result = await pool.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
      return Number(result.rows[0]?.value ?? 0);
    },
    close: async () => {
      // Idempotent like the SQLite store's close (pg throws on a second end()).
      if (closed) return;
      closed = true;
      await pool.end();
    },
    createVault: (vaultId, genesis, wraps, indexSnapshot, checkpoint) =>
      tx('createVault', async (c) => {
        const vault = b(vaultId);
        // A concurrent create of the same id waits on this row and then inserts nothing: false.
        const created = await c.query(`INSERT INTO ${s}.vaults (vault_id) VALUES ($1) ON CONFLICT DO NOTHING`, [vault]);
        if (created.rowCount !== 1) return false;
        await c.query(`INSERT INTO ${s}.members (vault_id, seq, entry) VALUES ($1, 0, $2)`, [vault, b(genesis)]);
        await insertWraps(c, vault, wraps);
        await saveCheckpoint(c, vault, checkpoint);
        await c.query(`UPDATE ${s}.vaults SET used_bytes = used_bytes + $1 WHERE vault_id = $2`, [
          membershipBytes([genesis], wraps),
          vault,
        ]);
        if (indexSnapshot !== undefined) {
          await insertEnvelopes(c, vault, 1, [indexSnapshot]);
          await c.query(`UPDATE ${s}.vaults SET rv = 1, used_bytes = used_bytes + $1 WHERE vault_id = $2`, [
            indexSnapshot.bytes.length,
            vault,
          ]);
        }
        return true;
      }),
    vault: async (vaultId) => {
      const { rows } = await pool.query<{ rv: Int; used_bytes: Int }>(
        `SELECT rv, used_bytes FROM ${s}.vaults WHERE vault_id = $1`,
        [b(vaultId)],
      );
      const row = rows[0];
      return row && { rv: int(row.rv), usedBytes: int(row.used_bytes) };
    },
    membership: async (vaultId, since, limit) => {
      const { rows } = await pool.query<{ entry: Buffer }>(
        `SELECT entry FROM ${s}.members WHERE vault_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
        [b(vaultId), since, limit],
      );
      return rows.map((r) => new Uint8Array(r.entry));
    },
    appendMembership: (vaultId, firstSeq, entries, wraps, checkpoint) =>
      tx('appendMembership', async (c) => {
        const vault = b(vaultId);
        await lockVault(c, vault);
        for (const [i, entry] of entries.entries()) {
          const inserted = await c.query(
            `INSERT INTO ${s}.members (vault_id, seq, entry) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
            [vault, firstSeq + i, b(entry)],
          );
          // A taken seq refuses the whole append: the rollback undoes the entries already inserted.
          if (inserted.rowCount !== 1) throw new Refusal(false);
        }
        await insertWraps(c, vault, wraps);
        await saveCheckpoint(c, vault, checkpoint);
        await c.query(`UPDATE ${s}.vaults SET used_bytes = used_bytes + $1 WHERE vault_id = $2`, [
          membershipBytes(entries, wraps),
          vault,
        ]);
        return true;
      }),
    saveMembershipState: (vaultId, checkpoint) =>
      tx(undefined, async (c) => {
        const vault = b(vaultId);
        await lockVault(c, vault);
        await saveCheckpoint(c, vault, checkpoint);
      }),
    membershipState: async (vaultId) => {
      const { rows } = await pool.query<{ seq: Int; state: Buffer }>(
        `SELECT seq, state FROM ${s}.member_state WHERE vault_id = $1`,
        [b(vaultId)],
      );
      const row = rows[0];
      return row && { seq: int(row.seq), state: new Uint8Array(row.state) };
    },
    vaultsWithoutState: async (after, limit) => {
      const { rows } = await pool.query<{ vault_id: Buffer }>(
        `SELECT vault_id FROM ${s}.vaults v WHERE vault_id > $1
           AND NOT EXISTS (SELECT 1 FROM ${s}.member_state m WHERE m.vault_id = v.vault_id)
         ORDER BY vault_id LIMIT $2`,
        [b(after), limit],
      );
      return rows.map((r) => new Uint8Array(r.vault_id));
    },
    principalKey: async (vaultId, index) => {
      const { rows } = await pool.query<{ role: string; sig_pk: Buffer; active: boolean }>(
        `SELECT role, sig_pk, active FROM ${s}.principal_keys WHERE vault_id = $1 AND idx = $2`,
        [b(vaultId), index],
      );
      const row = rows[0];
      return row && { index, role: row.role, sigPk: new Uint8Array(row.sig_pk), active: row.active };
    },
    wraps: async (vaultId, recipient, fromEpoch) => {
      const { rows } = await pool.query<{ wrap: Buffer }>(
        `SELECT wrap FROM ${s}.wraps WHERE vault_id = $1 AND recipient = $2 AND epoch >= $3 ORDER BY epoch`,
        [b(vaultId), recipient, fromEpoch],
      );
      return rows.map((r) => new Uint8Array(r.wrap));
    },
    recordState: async (vaultId, recordId): Promise<RecordState> => {
      // One statement, so the marks and the active snapshot come from the same database snapshot.
      const { rows } = await pool.query<{ snapshot_rv: Int | null; deleted: boolean | null; hw: [Int, Int][] }>(
        `SELECT r.snapshot_rv, r.deleted,
                COALESCE((SELECT json_agg(json_build_array(h.author::text, h.seq::text)) FROM ${s}.high_water h
                          WHERE h.vault_id = $1 AND h.record_id = $2), '[]') AS hw
         FROM (SELECT 1) one LEFT JOIN ${s}.records r ON r.vault_id = $1 AND r.record_id = $2`,
        [b(vaultId), b(recordId)],
      );
      const row = rows[0];
      const hw = new Map((row?.hw ?? []).map(([author, seq]) => [int(author), int(seq)] as const));
      return { hw, snapshotRv: int(row?.snapshot_rv ?? 0), deleted: row?.deleted === true };
    },
    findUpdate: async (vaultId, recordId, author, seq) => {
      const { rows } = await pool.query<{ rv: Int; hash: Buffer }>(
        `SELECT rv, hash FROM ${s}.envelopes
         WHERE vault_id = $1 AND record_id = $2 AND author = $3 AND seq = $4 AND kind = 1`,
        [b(vaultId), b(recordId), author, seq],
      );
      const row = rows[0];
      return row && { rv: int(row.rv), hash: new Uint8Array(row.hash) };
    },
    commitEnvelopes: (vaultId, firstRv, envelopes, addedBytes) =>
      tx('commitEnvelopes', async (c) => {
        const vault = b(vaultId);
        const { rv } = await lockVault(c, vault);
        // The relay hands out rv; checking it under the lock turns a relay bug or a second writer into an
        // error instead of a gap or a lowered counter.
        if (firstRv !== rv + 1) throw new Error(`rv ${firstRv} does not follow the vault's rv ${rv}`);
        await insertEnvelopes(c, vault, firstRv, envelopes);
        await c.query(`UPDATE ${s}.vaults SET rv = $1, used_bytes = used_bytes + $2 WHERE vault_id = $3`, [
          firstRv + envelopes.length - 1,
          addedBytes,
          vault,
        ]);
      }),
    envelopesSince: async (vaultId, sinceRv, recordIds, limit, idPrefix) => {
      const where = `e.vault_id = $1 AND e.rv > $2 AND e.rv >= r.snapshot_rv AND NOT r.deleted AND e.bytes IS NOT NULL
           AND ($3::bytea[] IS NULL OR e.record_id = ANY($3::bytea[])
                OR substring(e.record_id from 1 for octet_length($4::bytea)) = $4::bytea)`;
      const params = [b(vaultId), sinceRv, recordIds?.map(b) ?? null, idPrefix === undefined ? null : b(idPrefix)];
      const from = `${s}.envelopes e JOIN ${s}.records r ON r.vault_id = e.vault_id AND r.record_id = e.record_id`;
      let upTo = Number.MAX_SAFE_INTEGER;
      if (limit !== undefined) {
        // Sizes first (octet_length reads no bytes), so a page never pulls more than `limit.bytes` of envelopes.
        const sizes = await pool.query<{ rv: Int; size: Int }>(
          `SELECT e.rv, octet_length(e.bytes) AS size FROM ${from} WHERE ${where} ORDER BY e.rv LIMIT $5`,
          [...params, limit.rows],
        );
        const last = cut(sizes.rows, limit.bytes);
        if (last === undefined) return [];
        upTo = Number(last.rv);
      }
      const { rows } = await pool.query<EnvelopeDbRow>(
        `SELECT e.rv, e.record_id, e.kind, e.author, e.seq, e.bytes FROM ${from}
         WHERE ${where} AND e.rv <= $5 ORDER BY e.rv`,
        [...params, upTo],
      );
      return rows.map(toRow);
    },
    updatesRange: async (vaultId, recordId, author, from, to, limit) => {
      const where = `vault_id = $1 AND record_id = $2 AND kind = 1 AND author = $3 AND seq BETWEEN $4 AND $5
           AND bytes IS NOT NULL`;
      const params = [b(vaultId), b(recordId), author, from, to];
      let upTo = to;
      if (limit !== undefined) {
        const sizes = await pool.query<{ seq: Int; size: Int }>(
          `SELECT seq, octet_length(bytes) AS size FROM ${s}.envelopes WHERE ${where} ORDER BY seq LIMIT $6`,
          [...params, limit.rows],
        );
        const last = cut(sizes.rows, limit.bytes);
        if (last === undefined) return [];
        upTo = Number(last.seq);
      }
      const { rows } = await pool.query<EnvelopeDbRow>(
        `SELECT rv, record_id, kind, author, seq, bytes FROM ${s}.envelopes WHERE ${where} ORDER BY seq`,
        [b(vaultId), b(recordId), author, from, upTo],
      );
      return rows.map(toRow);
    },
    blob: async (vaultId, blobId): Promise<BlobInfo | undefined> => {
      const { rows } = await pool.query<{ record_id: Buffer; size: Int; received: Int; complete: boolean }>(
        `SELECT record_id, size, received, complete FROM ${s}.blobs WHERE vault_id = $1 AND blob_id = $2`,
        [b(vaultId), b(blobId)],
      );
      const row = rows[0];
      return (
        row && {
          recordId: new Uint8Array(row.record_id),
          size: int(row.size),
          received: int(row.received),
          complete: row.complete,
        }
      );
    },
    startBlob: (vaultId, blobId, recordId, size) =>
      tx(undefined, async (c) => {
        const [vault, blob] = [b(vaultId), b(blobId)];
        await lockVault(c, vault);
        const { rows } = await c.query<{ received: Int; complete: boolean }>(
          `SELECT received, complete FROM ${s}.blobs WHERE vault_id = $1 AND blob_id = $2`,
          [vault, blob],
        );
        const existing = rows[0];
        if (existing === undefined) {
          await c.query(`INSERT INTO ${s}.blobs (vault_id, blob_id, record_id, size) VALUES ($1, $2, $3, $4)`, [
            vault,
            blob,
            b(recordId),
            size,
          ]);
          return;
        }
        // A stored blob (content-addressed) is kept whole; an unfinished upload restarts from 0 under the new
        // announce's record and size (nothing of an earlier announce sticks) and gives its bytes back.
        if (existing.complete) return;
        await c.query(`DELETE FROM ${s}.blob_chunks WHERE vault_id = $1 AND blob_id = $2`, [vault, blob]);
        await c.query(
          `UPDATE ${s}.blobs SET received = 0, record_id = $3, size = $4 WHERE vault_id = $1 AND blob_id = $2`,
          [vault, blob, b(recordId), size],
        );
        await addUsed(c, vault, -int(existing.received));
      }),
    appendBlobChunk: (vaultId, blobId, offset, bytes, complete) =>
      tx('appendBlobChunk', async (c) => {
        const [vault, blob] = [b(vaultId), b(blobId)];
        await lockVault(c, vault);
        const advanced = await c.query(
          `UPDATE ${s}.blobs SET received = $1, complete = $2 WHERE vault_id = $3 AND blob_id = $4`,
          [offset + bytes.length, complete, vault, blob],
        );
        if (advanced.rowCount !== 1) throw new Error('unknown blob');
        await c.query(`INSERT INTO ${s}.blob_chunks (vault_id, blob_id, chunk_offset, bytes) VALUES ($1, $2, $3, $4)`, [
          vault,
          blob,
          offset,
          b(bytes),
        ]);
        await addUsed(c, vault, bytes.length);
      }),
    discardBlob: (vaultId, blobId) =>
      tx(undefined, async (c) => {
        const [vault, blob] = [b(vaultId), b(blobId)];
        await lockVault(c, vault);
        const { rows } = await c.query<{ received: Int }>(
          `DELETE FROM ${s}.blobs WHERE vault_id = $1 AND blob_id = $2 RETURNING received`,
          [vault, blob],
        );
        await c.query(`DELETE FROM ${s}.blob_chunks WHERE vault_id = $1 AND blob_id = $2`, [vault, blob]);
        const received = rows[0]?.received;
        if (received !== undefined) await addUsed(c, vault, -int(received));
      }),
    blobChunks: async function* (vaultId, blobId, offset) {
      // One chunk per query (no cursor held across yields, no pooled client pinned by a slow reader), so a
      // 100 MB blob never sits whole in memory.
      let at = offset;
      for (;;) {
        const { rows } = await pool.query<{ chunk_offset: Int; bytes: Buffer }>(
          `SELECT chunk_offset, bytes FROM ${s}.blob_chunks
           WHERE vault_id = $1 AND blob_id = $2 AND chunk_offset >= $3 ORDER BY chunk_offset LIMIT 1`,
          [b(vaultId), b(blobId), at],
        );
        const row = rows[0];
        if (row === undefined) return;
        const chunkOffset = int(row.chunk_offset);
        yield { offset: chunkOffset, bytes: new Uint8Array(row.bytes) };
        at = chunkOffset + row.bytes.length;
      }
    },
  };
}
