import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { openVaultDb } from '#vault/store/vault-db';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two tabs of one vault (real BroadcastChannel, one IndexedDB)', () => {
  it('converge on concurrent edits of one record, and locking one locks the other', async () => {
    const { idb, access } = testAccess();
    const { vault: a } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const r = a.records.create({ category: 'personal-space', title: 'Journal', date: '2025-05-06' });
    await a.flush();
    const b = await testAccess(idb).access.unlock(a.id, { passphrase: TEST_PASSPHRASE });
    await b.loadRecord(r.id);
    for (let i = 0; i < 20; i++) {
      a.records.editNote(r.id, { index: 0, deleteCount: 0, insert: `A${String(i)} ` });
      b.records.editNote(r.id, { index: b.records.get(r.id).note.length, deleteCount: 0, insert: `B${String(i)} ` });
    }
    await Promise.all([a.flush(), b.flush()]);
    await until(() => a.records.get(r.id).note === b.records.get(r.id).note);
    const note = a.records.get(r.id).note;
    for (let i = 0; i < 20; i++) {
      expect(note).toContain(`A${String(i)} `);
      expect(note).toContain(`B${String(i)} `);
    }
    // A record created in one tab appears in the other's overview.
    const created = b.records.create({ category: 'vaccination', title: 'Rappel', date: '2025-06-01' });
    await b.flush();
    await until(() => a.records.entry(created.id) !== undefined);

    const reasons: string[] = [];
    b.onLocked((reason) => reasons.push(reason));
    a.lock();
    await until(() => reasons.length === 1);
    expect(reasons).toEqual(['other_tab']);
    expect(() => b.records.list()).toThrow(/model_destroyed/);
  });
});

describe('tampered rows', () => {
  it('are reported and never applied; the rest of the vault opens', async () => {
    const { idb, access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const good = vault.records.create({ category: 'imaging-result', title: 'Radio', date: '2024-01-01' });
    const bad = vault.records.create({ category: 'medical-report', title: 'Avant', date: '2024-02-02' });
    await vault.flush();
    vault.records.update(bad.id, { title: 'Après' });
    vault.records.setNote(good.id, 'intact');
    await vault.flush();
    vault.lock();

    const db = openVaultDb(vault.id, idb);
    const rows = await db.envelopes.where('recordId').equals(bad.id).sortBy('id');
    const last = rows.at(-1);
    if (last?.id === undefined) throw new Error('no row');
    const flipped = last.bytes.slice();
    flipped[flipped.length - 70] = (flipped[flipped.length - 70] ?? 0) ^ 1;
    await db.envelopes.update(last.id, { bytes: flipped });
    // A row of the good record copied under the bad record's id fails too (the record id is in its context).
    const goodRows = await db.envelopes.where('recordId').equals(good.id).toArray();
    const copy = goodRows[0];
    if (copy === undefined) throw new Error('no row');
    await db.envelopes.add({ ...copy, id: undefined, recordId: bad.id });
    // A tampered counter must not stop saving.
    const counter = await db.counters.get(good.id);
    if (counter === undefined) throw new Error('no counter');
    await db.counters.put({ recordId: good.id, bytes: counter.bytes.map((x, i) => (i === 10 ? x ^ 1 : x)) });
    db.close();

    const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect((await again.loadRecord(bad.id)).title).toBe('Avant');
    expect((await again.loadRecord(good.id)).note).toBe('intact');
    const problems = again.problems().filter((p) => p.recordId === bad.id);
    expect(problems.length).toBe(2);
    expect(problems.every((p) => p.code === 'tampered_row')).toBe(true);
    again.records.setNote(good.id, 'still saves');
    await again.flush();
    expect(again.problems().some((p) => p.table === 'counters')).toBe(true);
    again.lock();
    const third = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect((await third.loadRecord(good.id)).note).toBe('still saves');
    third.lock();
  });

  it('a keystore row from another vault, or a damaged one, does not unlock', async () => {
    const { idb, access } = testAccess();
    const { vault: one } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const { vault: two } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    one.lock();
    two.lock();
    const dbOne = openVaultDb(one.id, idb);
    const dbTwo = openVaultDb(two.id, idb);
    const rowTwo = await dbTwo.keystore.get('k');
    const rowOne = await dbOne.keystore.get('k');
    if (rowTwo === undefined || rowOne === undefined) throw new Error('no keystore');
    await dbOne.keystore.put({ k: 'k', bytes: rowTwo.bytes });
    dbOne.close();
    await expect(access.unlock(one.id, { passphrase: TEST_PASSPHRASE })).rejects.toThrow(/tampered_row/);
    const damaged = rowTwo.bytes.slice();
    damaged[damaged.length - 5] = (damaged[damaged.length - 5] ?? 0) ^ 0x40;
    await dbTwo.keystore.put({ k: 'k', bytes: damaged });
    dbTwo.close();
    await expect(access.unlock(two.id, { passphrase: TEST_PASSPHRASE })).rejects.toThrow(/tampered_row/);
  });

  it('a membership log edited at rest is refused', async () => {
    const { idb, access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    vault.lock();
    const db = openVaultDb(vault.id, idb);
    await db.membership.clear();
    db.close();
    await expect(access.unlock(vault.id, { passphrase: TEST_PASSPHRASE })).rejects.toThrow(/tampered_row/);
  });
});
