// PROTOCOL.md §7.1, §12.2 SYNC, §13.4 (issue 14): `index_id` in a SYNC scope stands for the index family, the
// root and every shard (a record whose id starts with the vault's prefix P). The reference for what a scoped
// SYNC must send is the unscoped SYNC of the whole vault filtered to family ids: the same rows, in the same
// ascending-rv order, from every cursor. Run on SQLite and PostgreSQL, over real sockets and sealed envelopes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexId, ready, shardId, shardPrefix, toHex } from '#crypto';
import type { RelayFrame } from '#protocol';
import { openPostgresStore } from '#sync-server/store/postgres-store';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '#tests/helpers/postgres';
import {
  authenticate,
  snapshotEnvelope,
  updateEnvelope,
  type RelayClient,
  type Reply,
} from '#tests/helpers/relay-client';
import { startVaultRelay, type VaultRelay } from '#tests/helpers/relay-vault';

await ready();
const hasPostgres = await postgresAvailable();
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** Small streamed frames (16 KiB), so one SYNC spans many frames and more than one store page (256 rows). */
const LIMITS = { maxFrameBytes: 16 * 1024, maxBufferedBytes: 4 * 1024 * 1024 };

/** The ids a test writes: the family (root and three shards) and three ordinary ids the family must not take. */
interface Ids {
  root: Uint8Array;
  shards: Uint8Array[];
  /** A random record, P with one byte changed, and a shard id of another vault's index. */
  ordinary: Uint8Array[];
}

function idsOf(log: MembershipLogBuilder): Ids {
  const prefix = shardPrefix(log.vaultId);
  const nearP = shardId(prefix, 2, 0);
  nearP[9] = (nearP[9] ?? 0) ^ 0x80;
  const [random] = log.recordIds(1);
  if (random === undefined) throw new Error('ids');
  const otherVault = shardId(shardPrefix(new MembershipLogBuilder('another vault').vaultId), 2, 0);
  return {
    root: indexId(log.vaultId),
    shards: [shardId(prefix, 2, 0), shardId(prefix, 2, 1), shardId(prefix, 70_000, 3)],
    ordinary: [random, nearP, otherVault],
  };
}

/** Every envelope of a SYNC's RECORDS frames, in order, as `record id hex:envelope tail hex`. */
const rows = (frames: RelayFrame[]): string[] =>
  frames.flatMap((f) =>
    f.type === 'RECORDS'
      ? f.groups.flatMap((g) => g.envelopes.map((e) => `${toHex(g.recordId)}:${toHex(e.subarray(-16))}`))
      : [],
  );

async function startOn(kind: 'SQLite' | 'PostgreSQL'): Promise<{ v: VaultRelay; stop(): Promise<void> }> {
  if (kind === 'SQLite') {
    const v = await startVaultRelay('index-family', { limits: LIMITS });
    return { v, stop: () => v.stop() };
  }
  const schema = uniqueSchema('carnet_index_family');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-index-family-'));
  const store = await openPostgresStore(TEST_DATABASE_URL, { schema });
  const v = await startVaultRelay('index-family', { limits: LIMITS, store, dataDir });
  return {
    v,
    stop: async () => {
      await v.stop();
      await dropSchema(schema);
    },
  };
}

for (const kind of ['SQLite', 'PostgreSQL'] as const) {
  describe.skipIf(kind === 'PostgreSQL' && !hasPostgres)(`the index family on the relay, ${kind} store`, () => {
    let started: { v: VaultRelay; stop(): Promise<void> } | undefined;
    beforeAll(async () => {
      await ready();
    });
    afterEach(async () => {
      await started?.stop();
      started = undefined;
    });

    it('a SYNC scoped to the index id streams the root and every shard in rv order, resumably', async () => {
      started = await startOn(kind);
      const { a, log } = started.v;
      const ids = idsOf(log);
      const all = [ids.root, ...ids.shards, ...ids.ordinary];
      const familyHex = new Set([ids.root, ...ids.shards].map(toHex));
      const seqs = new Map<string, number>();
      const yjs = new Uint8Array(500).fill(0x2a);
      // 24 pushes of 20 updates, round robin over the seven ids: 480 updates, 300 of them in the family.
      for (let round = 0; round < 24; round++) {
        const id = all[round % all.length] ?? ids.root;
        const from = (seqs.get(toHex(id)) ?? 0) + 1;
        const updates = Array.from({ length: 20 }, (_, i) => updateEnvelope(log, 2, id, from + i, yjs));
        seqs.set(toHex(id), from + 19);
        expect(code(await a.request({ type: 'PUSH', recordId: id, updates }))).toBe('ACK');
        // A snapshot of the first shard halfway: its earlier rows leave every selection, scoped or not.
        if (round === 12) {
          const shard = ids.shards[0] ?? ids.root;
          const snapshot = snapshotEnvelope(log, 2, shard, [[2, seqs.get(toHex(shard)) ?? 0]]);
          expect(code(await a.request({ type: 'SNAPSHOT_PUT', recordId: shard, baseRv: 0, snapshot }))).toBe('ACK');
        }
      }
      const family = (c: number): Promise<RelayFrame[]> => a.sync(c, false, [ids.root]);
      const reference = async (c: number): Promise<string[]> =>
        rows(await a.sync(c, false, [])).filter((r) => familyHex.has(r.split(':')[0] ?? ''));

      const frames = await family(0);
      const served = rows(frames);
      expect(served).toEqual(await reference(0));
      // The root: its VAULT_CREATE snapshot and 80 updates; shard 0: its snapshot and the 40 updates after it;
      // shards 1 and 2: 80 and 60 updates; nothing of the ordinary ids (P changed in one byte, another vault's).
      const count = (id: Uint8Array): number => served.filter((r) => r.startsWith(toHex(id))).length;
      expect([ids.root, ...ids.shards].map(count)).toEqual([81, 41, 80, 60]);
      expect(served.some((r) => !familyHex.has(r.split(':')[0] ?? ''))).toBe(false);
      const done = frames.at(-1);
      expect(done).toMatchObject({ type: 'SYNC_DONE' });

      // Resumable: each frame's rv is a cursor from which the rest follows, exactly.
      const records = frames.filter((f) => f.type === 'RECORDS');
      expect(records.length).toBeGreaterThan(10);
      const cursors = records.map((f) => f.rv);
      expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
      for (const [i, cursor] of cursors.entries()) {
        const resumed = rows(await family(cursor));
        expect([...rows(records.slice(0, i + 1)), ...resumed], `cursor ${cursor}`).toEqual(served);
        expect(resumed, `cursor ${cursor}`).toEqual(await reference(cursor));
      }
      // Cursors that fall on ordinary rows resume the same way.
      for (const cursor of [3, 50, 111, 250, 333, 470])
        expect(rows(await family(cursor))).toEqual(await reference(cursor));
      // The scope may name shards and ordinary records beside the index id: their union, still in rv order.
      const [random] = ids.ordinary;
      if (random === undefined) throw new Error('ids');
      const mixed = rows(await a.sync(0, false, [random, ids.root]));
      const withRandom = new Set([...familyHex, toHex(random)]);
      expect(mixed).toEqual(rows(await a.sync(0, false, [])).filter((r) => withRandom.has(r.split(':')[0] ?? '')));
    }, 60_000);

    it('live pushes of every shard reach a session subscribed to the index id', async () => {
      started = await startOn(kind);
      const { a, log } = started.v;
      const v = started.v;
      const ids = idsOf(log);
      const session = async (scope: Uint8Array[]): Promise<RelayClient> => {
        const client = await v.connect();
        expect(code(await authenticate(client, log, v.origin, 2))).toBe('SESSION');
        await client.sync(0, true, scope);
        return client;
      };
      const follower = await session([ids.root]);
      const ordinary = await session([ids.ordinary[0] ?? ids.root]);
      const everything = await session([]);
      // The frames each session was pushed, as `record id hex`, once the session has answered a later request.
      const pushedTo = async (client: RelayClient): Promise<string[]> => {
        expect(code(await client.request({ type: 'WRAP_GET', fromEpoch: 0 }))).toBe('WRAPS');
        return client.pushes.flatMap((f) => (f.type === 'RECORDS' ? f.groups.map((g) => toHex(g.recordId)) : []));
      };
      const written: string[] = [];
      const push = async (id: Uint8Array, seq: number): Promise<void> => {
        expect(code(await a.request({ type: 'PUSH', recordId: id, updates: [updateEnvelope(log, 2, id, seq)] }))).toBe(
          'ACK',
        );
        written.push(toHex(id));
      };
      for (const id of [ids.root, ...ids.shards, ...ids.ordinary]) await push(id, 1);
      for (const id of [...ids.shards].reverse()) await push(id, 2);
      const shard = ids.shards[1] ?? ids.root;
      const snapshot = snapshotEnvelope(log, 2, shard, [[2, 2]]);
      expect(code(await a.request({ type: 'SNAPSHOT_PUT', recordId: shard, baseRv: 0, snapshot }))).toBe('ACK');
      written.push(toHex(shard));

      const familyHex = new Set([ids.root, ...ids.shards].map(toHex));
      const toFollower = await pushedTo(follower);
      expect(toFollower).toEqual(written.filter((id) => familyHex.has(id)));
      expect(toFollower).toHaveLength(8); // root, three shards, three shards again, one shard's snapshot
      expect(await pushedTo(ordinary)).toEqual([toHex(ids.ordinary[0] ?? ids.root)]);
      expect(await pushedTo(everything)).toEqual(written);

      // UNSUBSCRIBE of the index id ends the family's pushes: the shards went with the root.
      expect(code(await follower.request({ type: 'UNSUBSCRIBE', recordIds: [ids.root] }))).toBe('ACK');
      await push(ids.shards[2] ?? ids.root, 3);
      await push(ids.root, 2);
      expect(await pushedTo(follower)).toEqual(toFollower);
      expect((await pushedTo(everything)).slice(-2)).toEqual([toHex(ids.shards[2] ?? ids.root), toHex(ids.root)]);
      for (const client of [follower, ordinary, everything]) client.close();
    }, 60_000);
  });
}
