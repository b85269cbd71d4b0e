// PROTOCOL.md §18.7, catalogue: the overview at unlock comes from sealed pages, one per index shard, and equals
// what decoding every shard would show; a page that is missing, stale or damaged is rebuilt from its shard.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ready } from '#crypto';
import { isVaultError, type IndexEntry, type Vault } from '#vault';
import { openVaultDb } from '#vault/store/vault-db';
import { baseSeed, seededRandom } from '#tests/helpers/seeded-random';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess, testIdb } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});

const options = {
  shardCapacity: 8,
  catalogueDelayMs: 0,
  compaction: { maxTrailing: 3, minTrailingBytes: 0 },
} as const;
type Idb = ReturnType<typeof testIdb>;

const overview = (vault: Vault): IndexEntry[] => vault.records.list();

async function catalogueRows(idb: Idb, id: string) {
  const db = openVaultDb(id, idb);
  try {
    return await db.catalogue.toArray();
  } finally {
    db.close();
  }
}

/** Waits until the catalogue has a page for every shard the tab shows (the job runs after each commit). */
async function pagesWritten(idb: Idb, vault: Vault, shards: number): Promise<void> {
  await vault.flush();
  await vi.waitFor(async () => expect((await catalogueRows(idb, vault.id)).length).toBeGreaterThanOrEqual(shards), {
    timeout: 5000,
    interval: 20,
  });
  // And until no write is pending: a page rewritten after a last commit.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The overview a fresh unlock shows with no catalogue at all: every shard decoded (the reference). */
async function decodedOverview(idb: Idb, id: string): Promise<IndexEntry[]> {
  const db = openVaultDb(id, idb);
  const saved = await db.catalogue.toArray();
  await db.catalogue.clear();
  db.close();
  const vault = await testAccess(idb, { ...options, catalogueDelayMs: 60_000 }).access.unlock(id, {
    passphrase: TEST_PASSPHRASE,
  });
  const list = overview(vault);
  vault.lock();
  const again = openVaultDb(id, idb);
  await again.catalogue.bulkPut(saved);
  again.close();
  return list;
}

describe('the catalogue', () => {
  it('the overview from the catalogue equals the overview from the shards after random edits, compactions, tabs and reopenings (seeded)', async () => {
    const seed = baseSeed();
    const rand = seededRandom(seed);
    const idb = testIdb();
    const { vault: created } = await testAccess(idb, options).access.create({
      passphrase: TEST_PASSPHRASE,
      relay: TEST_RELAY,
    });
    const id = created.id;
    created.lock();
    const open = () => testAccess(idb, options).access.unlock(id, { passphrase: TEST_PASSPHRASE });
    let tabs: Vault[] = [await open(), await open()];
    let catalogueUsed = 0;
    for (let round = 0; round < 4; round++) {
      for (let step = 0; step < 40; step++) {
        const tab = tabs[Math.floor(rand() * tabs.length)] ?? tabs[0];
        if (tab === undefined) throw new Error('no tab');
        const live = tab.records.list();
        const pick = live[Math.floor(rand() * live.length)];
        const r = rand();
        if (r < 0.5 || pick === undefined) {
          tab.records.create({
            category: 'lab-result',
            title: `Bilan ${String(round)}.${String(step)}`,
            date: `2024-0${String(1 + Math.floor(rand() * 9))}-15`,
          });
        } else {
          try {
            await tab.loadRecord(pick.id);
          } catch (error) {
            // Deleted by the other tab meanwhile (its rows arrive by catch-up).
            if (isVaultError(error, 'record_deleted')) continue;
            throw error;
          }
          // The other tab may have deleted it meanwhile (its rows arrive by catch-up).
          if (tab.records.removed(pick.id) !== undefined) continue;
          if (r < 0.8)
            tab.records.update(pick.id, { title: `Renommé ${String(step)}`, author: `Dr ${String(step % 5)}` });
          else tab.records.remove(pick.id);
        }
        if (rand() < 0.2) await tab.flush();
      }
      for (const tab of tabs) await pagesWritten(idb, tab, 1);
      for (const tab of tabs) tab.lock();
      // Reopen: the overview from the pages equals what every shard decoded shows, and what the tab showed.
      const reopened = await open();
      const fromPages = overview(reopened);
      const shardsShown = reopened.records.shardIds().length;
      reopened.lock();
      const decoded = await decodedOverview(idb, id);
      expect(fromPages, `seed ${String(seed)} round ${String(round)}`).toEqual(decoded);
      const pages = (await catalogueRows(idb, id)).length;
      if (shardsShown < pages) catalogueUsed += 1;
      tabs = [await open(), await open()];
    }
    for (const tab of tabs) tab.lock();
    // The test is about pages: at least one reopening showed shards without decoding them.
    expect(catalogueUsed, `seed ${String(seed)}`).toBeGreaterThan(0);
  });

  it('a missing, stale or tampered page is rebuilt from its shard; a tampered one is reported', async () => {
    const idb = testIdb();
    const { vault } = await testAccess(idb, options).access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
    const id = vault.id;
    for (let i = 0; i < 30; i++)
      vault.records.create({ category: 'vaccination', title: `Rappel ${String(i)}`, date: '2023-05-01' });
    await pagesWritten(idb, vault, 4);
    const expected = overview(vault);
    vault.lock();
    const pages = await catalogueRows(idb, id);
    expect(pages).toHaveLength(4);
    const [missing, tampered] = pages;
    if (missing === undefined || tampered === undefined) throw new Error('no pages');
    const db = openVaultDb(id, idb);
    await db.catalogue.delete(missing.key);
    const flipped = tampered.bytes.slice();
    flipped[30] = (flipped[30] ?? 0) ^ 1;
    await db.catalogue.put({ key: tampered.key, bytes: flipped });
    db.close();
    // Stale: a page from before the last change of its shard.
    const before = await testAccess(idb, options).access.unlock(id, { passphrase: TEST_PASSPHRASE });
    expect(before.problems()).toEqual([{ code: 'tampered_row', table: 'catalogue', recordId: tampered.key }]);
    expect(overview(before)).toEqual(expected);
    await pagesWritten(idb, before, 4);
    before.lock();
    const rebuilt = new Map((await catalogueRows(idb, id)).map((row) => [row.key, row.bytes]));
    expect(rebuilt.has(missing.key)).toBe(true);
    expect(rebuilt.get(tampered.key)).not.toEqual(flipped);

    const stalePage = rebuilt.get(missing.key);
    const editor = await testAccess(idb, { ...options, catalogueDelayMs: 60_000 }).access.unlock(id, {
      passphrase: TEST_PASSPHRASE,
    });
    const first = overview(editor).at(-1);
    if (first === undefined) throw new Error('no record');
    await editor.loadRecord(first.id);
    editor.records.update(first.id, { title: 'Titre changé' });
    await editor.flush();
    const edited = overview(editor);
    editor.lock();
    // The edit's page was not rewritten (60 s delay): a fresh unlock finds it stale and shows the shard's truth.
    const after = await testAccess(idb, options).access.unlock(id, { passphrase: TEST_PASSPHRASE });
    expect(after.problems()).toEqual([]);
    expect(overview(after)).toEqual(edited);
    expect(overview(after).find((e) => e.id === first.id)?.title).toBe('Titre changé');
    await pagesWritten(idb, after, 4);
    after.lock();
    expect(stalePage).toBeDefined();
  });
});
