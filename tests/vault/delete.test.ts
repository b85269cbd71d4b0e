import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ready, unlockKeystore } from '#crypto';
import { openRow } from '#vault/store/envelope-reader';
import { openVaultDb } from '#vault/store/vault-db';
import { createDerivedSealer } from '#vault/store/derived-sealer';
import { verifyMembership } from '#vault/session/open-keystore';
import { createVaultKeys } from '#vault/session/vault-keys';
import { dumpDatabase, TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';
import { failDeletes, failWrites, transactionAborted } from '#tests/helpers/idb-faults';

beforeAll(async () => {
  await ready();
});

/** Decrypts every stored envelope of the vault with its keys (the test knows the passphrase) and returns the
 * plaintext Yjs payloads: R_r lives only inside encrypted index rows, so that is where to look for it. */
async function storedPlaintexts(idb: ReturnType<typeof testAccess>['idb'], vaultId: string, root: Uint8Array) {
  const db = openVaultDb(vaultId, idb);
  try {
    const row = await db.keystore.get('k');
    if (row === undefined) throw new Error('no keystore');
    const opened = unlockKeystore(row.bytes, TEST_PASSPHRASE);
    const entries = (await db.membership.orderBy('seq').toArray()).map((r) => r.bytes);
    const membership = verifyMembership(opened.body, opened.vaultId, entries);
    const keys = createVaultKeys({ ...opened, membership, entries });
    // The deleted record's root is the one thing the test supplies: it must be unreadable without it.
    const context = keys.context(() => root);
    const out: Uint8Array[] = [];
    for (const env of await db.envelopes.toArray()) {
      const result = openRow(env, context);
      if (result.ok) out.push(result.row.yjs);
    }
    keys.wipe();
    return out;
  } finally {
    db.close();
  }
}

function containsBytes(hay: unknown, needle: Uint8Array): boolean {
  if (hay instanceof Uint8Array) return Buffer.from(hay).includes(Buffer.from(needle));
  if (Array.isArray(hay)) return hay.some((v) => containsBytes(v, needle));
  if (hay !== null && typeof hay === 'object') return Object.values(hay).some((v) => containsBytes(v, needle));
  return false;
}

describe('deleting a record', () => {
  it('deleting a record removes its root key and every row', async () => {
    const { idb, access } = testAccess();
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const keep = vault.records.create({ category: 'vaccination', title: 'Tétanos', date: '2020-01-01' });
    const gone = vault.records.create({ category: 'medical-report', title: 'À effacer', date: '2021-01-01' });
    const file = new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<<>>\nendobj\nstartxref\n0\n%%EOF\n');
    await vault.attachments.add(gone.id, {
      name: 'scan.pdf',
      mediaType: 'application/pdf',
      size: file.length,
      stream: () => new Blob([file]).stream(),
      slice: (start, end) => new Blob([file]).slice(start, end),
    });
    for (let i = 0; i < 5; i++) vault.records.setNote(gone.id, `version ${String(i)}`);
    await vault.flush();
    const root = vault.records.recordRoot(gone.id);
    if (root === undefined) throw new Error('no root');
    const name = `carnet-v1-${vault.id}`;
    const rootCopy = root.slice();
    // Control: before the delete, the root is inside a decrypted index row.
    expect(containsBytes(await storedPlaintexts(idb, vault.id, rootCopy), rootCopy)).toBe(true);

    vault.records.remove(gone.id);
    await vault.flush();
    expect(vault.records.recordRoot(gone.id)).toBeUndefined();
    const db = openVaultDb(vault.id, idb);
    expect(await db.envelopes.where('recordId').equals(gone.id).count()).toBe(0);
    expect(await db.outbox.where('recordId').equals(gone.id).count()).toBe(0);
    expect(await db.counters.get(gone.id)).toBeUndefined();
    expect(await db.blobState.where('recordId').equals(gone.id).count()).toBe(0);
    expect(await db.blobs.count()).toBe(0);
    db.close();
    const after = await dumpDatabase(idb.indexedDB, name);
    expect(containsBytes([...after.values()], rootCopy), 'R_r stored in clear').toBe(false);
    expect(containsBytes(await storedPlaintexts(idb, vault.id, rootCopy), rootCopy), 'R_r in a stored row').toBe(false);

    vault.lock();
    const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
    expect(again.records.list().map((e) => e.id)).toEqual([keep.id]);
    expect(again.records.removed(gone.id)).toBeDefined();
    again.lock();
  });

  it.each(['listing it', 'erasing its rows', 'compacting its shard', 'unlisting it'] as const)(
    'a purge cut short after any step completes at the next unlock (%s fails)',
    async (step) => {
      const faults: unknown[] = [];
      const { idb, access } = testAccess(undefined, { onFault: (error) => faults.push(error) });
      const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
      const keep = vault.records.create({ category: 'vaccination', title: 'Tétanos', date: '2020-01-01' });
      const gone = vault.records.create({ category: 'medical-report', title: 'À effacer', date: '2021-01-01' });
      vault.records.setNote(gone.id, 'confidentiel');
      await vault.flush();
      const root = (vault.records.recordRoot(gone.id) ?? new Uint8Array()).slice();
      expect(root).toHaveLength(32);
      const erase = openVaultDb(vault.id, idb);
      // The erasing step's transaction also deletes the shard's catalogue page: make one exist so it writes.
      await erase.catalogue.put({ key: vault.records.shardOf(gone.id) ?? '', bytes: new Uint8Array(1) });
      erase.close();
      // The step fails once (an aborted write, as a crash or a full disk would leave it).
      const restore =
        step === 'erasing its rows'
          ? failDeletes('catalogue', transactionAborted)
          : step === 'compacting its shard'
            ? failWrites('envelopes', transactionAborted, (value) => (value as { type?: number }).type === 2)
            : step === 'unlisting it'
              ? failDeletes('meta', transactionAborted)
              : failWrites('meta', transactionAborted, (value) => (value as { key?: string }).key === 'purging');
      try {
        vault.records.remove(gone.id);
        await vault.flush();
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        restore();
      }
      expect(faults.length, step).toBeGreaterThan(0);
      vault.lock();

      const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
      // Cut-short purges are finished once search is ready; flush waits for erasure.
      await again.fullyLoaded;
      await again.flush();
      expect(again.records.list().map((e) => e.id)).toEqual([keep.id]);
      again.lock();
      const db = openVaultDb(vault.id, idb);
      expect(await db.envelopes.where('recordId').equals(gone.id).count(), step).toBe(0);
      expect(await db.meta.get('purging'), step).toBeUndefined();
      db.close();
      expect(containsBytes(await storedPlaintexts(idb, vault.id, root), root), `${step}: R_r in a stored row`).toBe(
        false,
      );
    },
  );

  it('a deleted record leaves no title in the catalogue and no term in the search index', async () => {
    const { idb, access } = testAccess(undefined, { catalogueDelayMs: 0 });
    const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    vault.records.create({ category: 'vaccination', title: 'Tétanos', date: '2020-01-01' });
    const gone = vault.records.create({ category: 'medical-report', title: 'Zygomatique', date: '2021-01-01' });
    vault.records.setNote(gone.id, 'xylophonique');
    await vault.flush();
    await vault.fullyLoaded;
    const needles = ['Zygomatique', 'zygomatique', 'xylophonique'].map((word) => new TextEncoder().encode(word));
    const derivedPlaintexts = async (): Promise<Uint8Array[]> => {
      const db = openVaultDb(vault.id, idb);
      try {
        const row = await db.keystore.get('k');
        if (row === undefined) throw new Error('no keystore');
        const opened = unlockKeystore(row.bytes, TEST_PASSPHRASE);
        const entries = (await db.membership.orderBy('seq').toArray()).map((r) => r.bytes);
        const keys = createVaultKeys({
          ...opened,
          membership: verifyMembership(opened.body, opened.vaultId, entries),
          entries,
        });
        const sealer = createDerivedSealer(keys.xk, keys.vaultId);
        const out: Uint8Array[] = [];
        for (const table of ['catalogue', 'search'] as const) {
          for (const r of await db[table].toArray())
            out.push(new TextEncoder().encode(r.key), sealer.open(table, r.key, r.bytes));
        }
        keys.wipe();
        return out;
      } finally {
        db.close();
      }
    };
    const holds = (rows: Uint8Array[]) =>
      needles.map((n) => rows.some((row) => Buffer.from(row).includes(Buffer.from(n))));
    // Control: the catalogue page and the search index hold the title and the note's word before the delete.
    await vi.waitFor(async () => expect(holds(await derivedPlaintexts())).toEqual([true, true, true]), {
      timeout: 5000,
    });

    vault.records.remove(gone.id);
    await vault.flush();
    await vi.waitFor(async () => expect(holds(await derivedPlaintexts())).toEqual([false, false, false]), {
      timeout: 5000,
    });
    // The search still works for the rest, without the deleted record.
    expect(vault.records.search('zygo')).toEqual([]);
    expect(vault.records.search('tetanos').map((e) => e.title)).toEqual(['Tétanos']);
    vault.lock();
  });
});
