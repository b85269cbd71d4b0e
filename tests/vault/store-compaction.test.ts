import { beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { ready, TYPE } from '#crypto';
import { openVaultDb } from '#vault/store/vault-db';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';
import { runs } from '../crypto/support.ts';

beforeAll(async () => {
  await ready();
});

const idle = { idleMs: 60_000 };

describe('compaction', () => {
  it('folds a record into a snapshot after N updates; reopening reads the snapshot and a few trailing rows', async () => {
    const { idb, access } = testAccess(undefined, { compaction: { maxTrailing: 8, ...idle } });
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const r = vault.records.create({ category: 'medical-report', title: 'Compte rendu', date: '2025-01-02' });
    for (let i = 0; i < 50; i++) {
      vault.records.editNote(r.id, { index: 0, deleteCount: 0, insert: `${String(i)};` });
      await vault.flush();
    }
    const expected = vault.records.get(r.id).note;
    vault.lock();
    const db = openVaultDb(vault.id, idb);
    const rows = await db.envelopes.where('recordId').equals(r.id).toArray();
    db.close();
    const snapshots = rows.filter((row) => row.type === TYPE.snapshot);
    expect(snapshots.length).toBe(1);
    // 51 edits (create + 50) were committed; what remains is one snapshot and fewer than 8 trailing updates.
    expect(rows.length).toBeLessThanOrEqual(8);
    const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect((await again.loadRecord(r.id)).note).toBe(expected);
    again.lock();
  });

  it('compacts when idle with a few trailing updates', async () => {
    const { idb, access } = testAccess(undefined, { compaction: { idleMs: 50, idleMinTrailing: 3 } });
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const r = vault.records.create({ category: 'prescription', title: 'Ordonnance', date: '2025-01-02' });
    for (let i = 0; i < 4; i++) {
      vault.records.setNote(r.id, `dose ${String(i)}`);
      await vault.flush();
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    const db = openVaultDb(vault.id, idb);
    const types = (await db.envelopes.where('recordId').equals(r.id).toArray()).map((row) => row.type);
    db.close();
    expect(types).toEqual([TYPE.snapshot]);
    vault.lock();
  });

  it('leaves a record whose state is over the snapshot cap as updates, reports nothing, and reopens it whole', async () => {
    const { idb, access } = testAccess(undefined, { compaction: { maxTrailing: 4, maxStateBytes: 3000, ...idle } });
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const small = vault.records.create({ category: 'other', title: 'Petit', date: '2025-01-02' });
    const big = vault.records.create({ category: 'medical-report', title: 'Long', date: '2025-01-02' });
    for (let i = 0; i < 12; i++) {
      vault.records.editNote(small.id, { index: 0, deleteCount: 0, insert: `${String(i)};` });
      vault.records.editNote(big.id, { index: 0, deleteCount: 0, insert: `${String(i)}:${'x'.repeat(400)};` });
      await vault.flush();
    }
    const expected = vault.records.get(big.id).note;
    expect(vault.problems()).toEqual([]);
    vault.lock();
    const db = openVaultDb(vault.id, idb);
    const typesOf = async (id: string) =>
      (await db.envelopes.where('recordId').equals(id).toArray()).map((r) => r.type);
    const [smallTypes, bigTypes] = [await typesOf(small.id), await typesOf(big.id)];
    db.close();
    // The control: under the cap, the record was folded into a snapshot; over it, all 13 updates stay.
    expect(smallTypes).toContain(TYPE.snapshot);
    expect(smallTypes.length).toBeLessThan(5);
    expect(bigTypes.filter((t) => t === TYPE.snapshot).length).toBeLessThanOrEqual(1);
    expect(bigTypes.length).toBeGreaterThan(8);
    const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect((await again.loadRecord(big.id)).note).toBe(expected);
    expect(again.problems()).toEqual([]);
    again.lock();
  });

  it('never drops an update another tab writes while this tab compacts (seeded interleavings)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ tab: fc.integer({ min: 0, max: 1 }), flush: fc.boolean() }), {
          minLength: 10,
          maxLength: 40,
        }),
        async (plan) => {
          const { idb, access } = testAccess(undefined, {
            compaction: { maxTrailing: 2, minTrailingBytes: 1, ...idle },
          });
          const { vault: a } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
          const r = a.records.create({ category: 'lab-result', title: 'Bilan', date: '2025-03-04' });
          await a.flush();
          const b = await testAccess(idb, {
            compaction: { maxTrailing: 2, minTrailingBytes: 1, ...idle },
          }).access.unlock(a.id, { passphrase: TEST_PASSPHRASE });
          await b.loadRecord(r.id);
          const tabs = [a, b];
          const names: string[] = [];
          for (const [i, step] of plan.entries()) {
            const tab = tabs[step.tab] ?? a;
            const name = `obs-${String(i)}`;
            tab.records.addObservation(r.id, { name, value: String(i) });
            names.push(name);
            if (step.flush) await tab.flush();
          }
          await Promise.all([a.flush(), b.flush()]);
          // Both open tabs show every edit (BroadcastChannel tells each to look again): an edit of one tab folded
          // into the other's snapshot before it was applied there must still reach the other tab's screen.
          const shown = (tab: typeof a): string[] =>
            tab.records
              .get(r.id)
              .observations.map((o) => o.name)
              .sort();
          await vi.waitFor(
            () => {
              expect(shown(a)).toEqual([...names].sort());
              expect(shown(b)).toEqual([...names].sort());
            },
            { timeout: 3000, interval: 20 },
          );
          a.lock();
          b.lock();
          const c = await testAccess(idb).access.unlock(a.id, { passphrase: TEST_PASSPHRASE });
          const got = (await c.loadRecord(r.id)).observations.map((o) => o.name).sort();
          c.lock();
          expect(got).toEqual([...names].sort());
        },
      ),
      runs(15),
    );
  }, 180_000);
});
