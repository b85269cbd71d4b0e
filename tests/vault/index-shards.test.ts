// PROTOCOL.md §7.7: the index is a root plus shards. A device adds records only to its own open shard, an entry
// never leaves its shard, a shard always compacts (so the vault has no record-count cliff), and a key found in
// two shards is read from the lowest shard id on every replica.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { fromHex, isIndexShard, ready, shardPrefix, TYPE } from '#crypto';
import { createRecordsModel } from '#vault';
import { shardHex, TEST_SHARD_PREFIX } from '#vault/records/shard-ids';
import { openVaultDb } from '#vault/store/vault-db';
import { baseSeed, seededRandom as seededNumbers } from '#tests/helpers/seeded-random';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';
import { copyIndex, deliver, manualClock, replica, seededRandom } from './support.ts';

beforeAll(async () => {
  await ready();
});

const lab = { category: 'lab-result', title: 'Bilan', date: '2024-03-01' } as const;

describe('index shards', () => {
  it("a device adds records only to its own open shard, 1,024 keys each, and edits and deletions stay in the record's shard", () => {
    const a = replica(31, 3);
    const shard = (k: number) => shardHex(TEST_SHARD_PREFIX, 3, k);
    const ids = Array.from({ length: 1025 }, (_, i) => a.model.create({ ...lab, title: `Bilan ${String(i)}` }).id);
    expect(a.model.shardIds().sort()).toEqual([shard(0), shard(1)]);
    expect(ids.slice(0, 1024).every((id) => a.model.shardOf(id) === shard(0))).toBe(true);
    expect(a.model.shardOf(ids[1024] ?? '')).toBe(shard(1));

    // Edits and a deletion of a record of shard 0 write to shard 0 only, although shard 1 is the open one.
    const first = ids[0] ?? '';
    a.outbox.length = 0;
    a.model.update(first, { title: 'Bilan renommé' });
    a.model.remove(ids[1] ?? '');
    const indexTargets = a.outbox.filter((item) => item.target.kind !== 'record').map((item) => item.target);
    expect(indexTargets.length).toBeGreaterThan(0);
    expect(indexTargets.every((target) => target.kind === 'shard' && target.id === shard(0))).toBe(true);
    expect(a.model.entry(first)?.title).toBe('Bilan renommé');

    // Another device that holds these shards adds its own records to a shard of its own, never to one of a.
    const b = replica(32, 5);
    copyIndex(a.model, b.model);
    const fromB = b.model.create(lab);
    expect(b.model.shardOf(fromB.id)).toBe(shardHex(TEST_SHARD_PREFIX, 5, 0));
    expect(b.model.list()).toHaveLength(1025);
  });

  it("every shard folds into a snapshot, whatever the vault's size (capacity 8, 300 records, seeded)", async () => {
    const seed = baseSeed();
    const rand = seededNumbers(seed);
    // A snapshot cap of 24 KiB: a single index of 300 entries (~100 kB) could never fold under it.
    const { idb, access } = testAccess(undefined, {
      shardCapacity: 8,
      compaction: { maxStateBytes: 24 * 1024, maxTrailing: 2, minTrailingBytes: 0, idleMs: 10, idleMinTrailing: 1 },
    });
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const live: string[] = [];
    for (let i = 0; i < 300; i++) {
      live.push(
        vault.records.create({ ...lab, title: `Résultat ${String(i)} ${'x'.repeat(Math.floor(rand() * 200))}` }).id,
      );
      if (rand() < 0.2)
        vault.records.update(live[Math.floor(rand() * live.length)] ?? '', { title: `Édité ${String(i)}` });
      if (rand() < 0.1) vault.records.remove(live.splice(Math.floor(rand() * live.length), 1)[0] ?? '');
      if (i % 50 === 49) await vault.flush();
    }
    await vault.flush();
    const shown = vault.records
      .list()
      .map((e) => e.id)
      .sort();
    expect(shown, `seed ${String(seed)}`).toEqual([...live].sort());
    const prefix = shardPrefix(fromHex(vault.id));
    const shardRows = async () => {
      const db = openVaultDb(vault.id, idb);
      try {
        const byShard = new Map<string, { snapshots: number; updates: number }>();
        for (const row of await db.envelopes.toArray()) {
          if (!isIndexShard(prefix, fromHex(row.recordId))) continue;
          const s = byShard.get(row.recordId) ?? { snapshots: 0, updates: 0 };
          if (row.type === TYPE.snapshot) s.snapshots += 1;
          else s.updates += 1;
          byShard.set(row.recordId, s);
        }
        return byShard;
      } finally {
        db.close();
      }
    };
    // Once the tab is idle, every shard is folded into one snapshot under a cap the whole index would exceed.
    await vi.waitFor(
      async () => {
        const byShard = await shardRows();
        expect(byShard.size, `seed ${String(seed)}`).toBe(Math.ceil(300 / 8));
        for (const [hex, s] of byShard)
          expect([hex, s], `seed ${String(seed)}`).toEqual([hex, { snapshots: 1, updates: 0 }]);
      },
      { timeout: 20_000, interval: 250 },
    );
    vault.lock();

    const again = await access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect(
      again.records
        .list()
        .map((e) => e.id)
        .sort(),
      `seed ${String(seed)}`,
    ).toEqual(shown);
    again.lock();
  });

  it('a key found in two shards is read from the lowest shard id on every replica', () => {
    const a = replica(41, 3);
    const { id } = a.model.create({ ...lab, title: 'Vrai' });
    const honest = a.model.shardOf(id) ?? '';
    // A member writes the same key into a shard that sorts lower (device 1 < device 3), with another title and
    // another root.
    const lower = shardHex(TEST_SHARD_PREFIX, 1, 0);
    const planted = new Y.Doc();
    Y.applyUpdate(planted, a.model.exportShardUpdate(honest));
    const entry = planted.getMap('records').get(id) as Record<string, unknown>;
    const other = new Y.Doc();
    other.getMap('records').set(id, { ...entry, title: 'Planté' });
    other.getMap('roots').set(id, new Uint8Array(32).fill(7));
    const plantedUpdate = Y.encodeStateAsUpdate(other);
    a.model.applyShardUpdate(lower, plantedUpdate);

    // A second replica gets the same shards in the other order.
    const c = createRecordsModel({ clock: manualClock(), random: seededRandom(43), author: 9 });
    c.applyShardUpdate(lower, plantedUpdate);
    c.applyShardUpdate(honest, a.model.exportShardUpdate(honest));
    for (const model of [a.model, c]) {
      expect(model.shardOf(id)).toBe(lower);
      expect(model.recordRoot(id)).toEqual(new Uint8Array(32).fill(7));
    }
    // c has only the index: it shows the lowest shard's entry. a holds the record itself, which is the truth
    // for its entry: a repairs the entry in the lowest shard, the one every replica reads.
    expect(c.entry(id)?.title).toBe('Planté');
    expect(a.model.entry(id)?.title).toBe('Vrai');
    expect(a.outbox.at(-1)?.target).toEqual({ kind: 'shard', id: lower });
    // Whatever is delivered later, both replicas keep reading the same shard.
    const d = replica(44, 4);
    for (const item of a.outbox) deliver(d.model, item);
    d.model.applyShardUpdate(lower, plantedUpdate);
    expect(d.model.shardOf(id)).toBe(lower);
    expect(d.model.entry(id)?.title).toBe('Vrai');
  });
});
