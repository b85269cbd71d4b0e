// A failed background load or catch-up with another tab is shown, not swallowed (issue 13): the vault's load state
// says `incomplete` with a typed error and its cause, search is known to be partial, and a retry reads again what
// failed. The failure is the browser's: IndexedDB refusing a read (Chromium's UnknownError), injected here into
// fake-indexeddb's read methods for one object store or index while `fault.on` is set.
import { IDBIndex, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { isVaultError, type LoadState, type Vault } from '#vault';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});

const READS = ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count'] as const;
type Read = (this: unknown, ...args: unknown[]) => unknown;
const originals: (() => void)[] = [];

/** From now on, reads of `store` (through `index` when given) throw as a broken IndexedDB does, while `on`. */
function injectReadFault(store: string, index?: string): { on: boolean; reads: number } {
  const fault = { on: true, reads: 0 };
  const targets = [
    { proto: IDBIndex.prototype, matches: (self: IDBIndex) => self.objectStore.name === store && self.name === index },
    { proto: IDBObjectStore.prototype, matches: (self: IDBObjectStore) => index === undefined && self.name === store },
  ] as const;
  for (const { proto, matches } of targets) {
    const methods = proto as unknown as Record<string, Read>;
    for (const name of READS) {
      const original = methods[name];
      if (original === undefined) continue;
      methods[name] = function (this: unknown, ...args: unknown[]) {
        if (fault.on && (matches as (self: unknown) => boolean)(this)) {
          fault.reads++;
          throw new DOMException('Internal error reading from the database', 'UnknownError');
        }
        return original.apply(this, args);
      };
      originals.push(() => {
        methods[name] = original;
      });
    }
  }
  return fault;
}

afterEach(() => {
  for (const restore of originals.splice(0)) restore();
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A vault of `count` records, each with a note only its content holds ("note-<i>"), locked again. */
async function lockedVault(count: number) {
  const { idb, access } = testAccess();
  const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
  for (let i = 0; i < count; i++) {
    const record = vault.records.create({
      category: 'medical-report',
      title: `Report ${String(i)}`,
      date: '2025-01-02',
    });
    vault.records.setNote(record.id, `note-${String(i)} kept in the content`);
  }
  await vault.flush();
  vault.lock();
  return { idb, id: vault.id };
}

function watch(vault: Vault): LoadState[] {
  const states: LoadState[] = [];
  vault.onLoadState((state) => states.push(state));
  return states;
}

describe('the background load', () => {
  it('reports a failed read as incomplete with load_failed and its cause, and a retry loads what was missing', async () => {
    const { idb, id } = await lockedVault(3);
    // The per-record reads of the background load go through the envelopes' recordId index.
    const fault = injectReadFault('envelopes', 'recordId');
    // Finishing cut-short purges reads the same index at unlock: its fault goes to onFault (tried next unlock).
    const faults: unknown[] = [];
    const vault = await testAccess(idb, { onFault: (error) => faults.push(error) }).access.unlock(id, {
      passphrase: TEST_PASSPHRASE,
    });
    const states = watch(vault);
    expect(vault.loadState()).toEqual({ phase: 'loading' });

    const failure: unknown = await vault.fullyLoaded.then(
      () => 'loaded',
      (error: unknown) => error,
    );
    expect(fault.reads).toBeGreaterThan(0);
    expect(isVaultError(failure, 'load_failed')).toBe(true);
    const state = vault.loadState();
    expect(state.phase).toBe('incomplete');
    if (state.phase !== 'incomplete') return;
    expect(state.error).toBe(failure);
    // The browser's error, as Dexie passes it on.
    expect(state.error.cause).toMatchObject({ name: 'UnknownError' });
    expect(states.at(-1)).toEqual(state);
    // The overview still shows every record; search over their content is what is missing.
    expect(vault.records.list()).toHaveLength(3);
    expect(vault.records.search('note-1')).toEqual([]);

    fault.on = false;
    await vault.retryLoad();
    expect(vault.loadState()).toEqual({ phase: 'complete' });
    expect(states.map((s) => s.phase).slice(-2)).toEqual(['loading', 'complete']);
    expect(vault.records.search('note-1').map((hit) => hit.title)).toEqual(['Report 1']);
    vault.lock();
  });

  it('reports nothing when the load works (the control)', async () => {
    const { idb, id } = await lockedVault(3);
    const vault = await testAccess(idb).access.unlock(id, { passphrase: TEST_PASSPHRASE });
    await vault.fullyLoaded;
    expect(vault.loadState()).toEqual({ phase: 'complete' });
    expect(vault.records.search('note-2').map((hit) => hit.title)).toEqual(['Report 2']);
    vault.lock();
  });
});

describe('the catch-up with another tab', () => {
  it('reports a failed read as incomplete with catch_up_failed, and a retry brings the other tab’s edit', async () => {
    const { idb, id } = await lockedVault(1);
    const a = await testAccess(idb).access.unlock(id, { passphrase: TEST_PASSPHRASE });
    const b = await testAccess(idb).access.unlock(id, { passphrase: TEST_PASSPHRASE });
    await Promise.all([a.fullyLoaded, b.fullyLoaded]);
    const recordId = a.records.list()[0]?.id ?? '';
    // Both tabs have the record open (records are loaded when opened, not all at unlock).
    await Promise.all([a.loadRecord(recordId), b.loadRecord(recordId)]);

    // The catch-up reads every row above its cursor from the envelopes store itself.
    const fault = injectReadFault('envelopes');
    a.records.setNote(recordId, 'edited in tab A');
    await a.flush();
    await until(() => b.loadState().phase === 'incomplete');
    const state = b.loadState();
    if (state.phase !== 'incomplete') throw new Error('not incomplete');
    expect(state.error.code).toBe('catch_up_failed');
    expect(state.error.cause).toMatchObject({ name: 'UnknownError' });
    expect(b.records.get(recordId).note).not.toBe('edited in tab A');

    fault.on = false;
    await b.retryLoad();
    expect(b.loadState()).toEqual({ phase: 'complete' });
    expect(b.records.get(recordId).note).toBe('edited in tab A');
    a.lock();
  });
});
