import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { RelayStore } from '#sync-server/store/relay-store';
import { blobContract } from './store-contract-blobs.ts';
import {
  attempt,
  bytes,
  contractTest,
  id,
  newVault,
  snapshot,
  text,
  update,
  type ContractContext,
  type Probe,
} from './store-contract-fixtures.ts';
import { logContract } from './store-contract-logs.ts';

/**
 * The semantics every RelayStore must keep (docs/PROTOCOL.md §13): run by store-sqlite.test.ts and
 * store-postgres.test.ts. `open` answers a new handle on the same database each call (so tests can race two
 * handles and read from a second one); every test works in its own fresh vault.
 * `knownGaps` lists titles an implementation is known to break: they run as `it.fails`.
 */
export function describeStoreContract(
  name: string,
  open: (probe?: Probe) => Promise<RelayStore>,
  cleanup: () => Promise<void> | void,
  knownGaps: ReadonlySet<string> = new Set(),
): void {
  describe(`${name} store contract`, () => {
    const handles: RelayStore[] = [];
    let shared: RelayStore | undefined;
    const ctx: ContractContext = {
      store: () => {
        if (shared === undefined) throw new Error('store not open');
        return shared;
      },
      open: async (probe) => {
        const handle = await open(probe);
        handles.push(handle);
        return handle;
      },
      test: contractTest(knownGaps),
    };
    beforeAll(async () => {
      shared = await ctx.open();
    });
    afterAll(async () => {
      for (const handle of handles) await handle.close();
      await cleanup();
    });
    const test = ctx.test;

    test('answers health and its schema version, and closes twice without error', async () => {
      const handle = await open();
      expect(await handle.health()).toBe(true);
      expect(await handle.schemaVersion()).toBeGreaterThan(0);
      await handle.close();
      await handle.close();
    });

    test('creates a vault with genesis, wraps and index snapshot; a second create answers false and keeps it', async () => {
      const store = ctx.store();
      const vaultId = id();
      const index = snapshot(id(), 2, [], 'index');
      const wraps = [{ recipient: 2, epoch: 0, bytes: bytes('w2') }];
      expect(await store.vault(vaultId)).toBeUndefined();
      expect(await store.createVault(vaultId, bytes('genesis'), wraps, index)).toBe(true);
      expect(await store.createVault(vaultId, bytes('other'), [], undefined)).toBe(false);
      expect(await store.vault(vaultId)).toEqual({
        rv: 1,
        usedBytes: 'genesis'.length + 'w2'.length + index.bytes.length,
      });
      expect((await store.membership(vaultId, 0, 10)).map(text)).toEqual(['genesis']);
      expect((await store.wraps(vaultId, 2, 0)).map(text)).toEqual(['w2']);
      const served = await store.envelopesSince(vaultId, 0, undefined);
      expect(served.map((r) => [r.rv, r.kind, text(r.bytes)])).toEqual([[1, 'snapshot', 'index']]);
      expect((await store.recordState(vaultId, index.recordId)).snapshotRv).toBe(1);
    });

    test('two racing creates of one vault: exactly one answers true', async () => {
      const [a, b] = [await ctx.open(), await ctx.open()];
      const vaultId = id();
      const results = await Promise.all([
        a.createVault(vaultId, bytes('a'), [], undefined),
        b.createVault(vaultId, bytes('b'), [], undefined),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await ctx.store().membership(vaultId, 0, 10)).toHaveLength(1);
    });

    test('pages membership by seq and limit', async () => {
      const store = ctx.store();
      const vaultId = await newVault(store);
      expect(await store.appendMembership(vaultId, 1, [bytes('e1'), bytes('e2'), bytes('e3')], [])).toBe(true);
      expect((await store.membership(vaultId, 0, 10)).map(text)).toEqual(['genesis', 'e1', 'e2', 'e3']);
      expect((await store.membership(vaultId, 2, 1)).map(text)).toEqual(['e2']);
      expect(await store.membership(vaultId, 4, 10)).toEqual([]);
      expect(await store.membership(id(), 0, 10)).toEqual([]);
    });

    test('refuses a taken membership seq and writes nothing of the batch, wraps included', async () => {
      const store = ctx.store();
      const vaultId = await newVault(store);
      expect(await store.appendMembership(vaultId, 0, [bytes('again')], [])).toBe(false);
      // seq 3 is taken, so a batch for 2..3 must leave seq 2 free and store none of its wraps.
      expect(await store.appendMembership(vaultId, 3, [bytes('e3')], [])).toBe(true);
      const wrap = { recipient: 7, epoch: 1, bytes: bytes('w7') };
      expect(await store.appendMembership(vaultId, 2, [bytes('x2'), bytes('x3')], [wrap])).toBe(false);
      expect((await store.membership(vaultId, 0, 10)).map(text)).toEqual(['genesis', 'e3']);
      expect(await store.wraps(vaultId, 7, 0)).toEqual([]);
    });

    test('refuses a membership append to an unknown vault', async () => {
      await expect(attempt(() => ctx.store().appendMembership(id(), 1, [bytes('e')], []))).rejects.toThrow();
    });

    test('answers wraps by recipient from an epoch and never replaces a stored wrap (issue 12)', async () => {
      const store = ctx.store();
      const vaultId = id();
      const w = (recipient: number, epoch: number, b: string) => ({ recipient, epoch, bytes: bytes(b) });
      await store.createVault(vaultId, bytes('g'), [w(2, 0, 'd2e0'), w(3, 0, 'd3e0')], undefined);
      await store.appendMembership(vaultId, 1, [bytes('rotate')], [w(2, 1, 'd2e1'), w(2, 2, 'd2e2'), w(3, 1, 'd3e1')]);
      // A second wrap for (2, 1) refuses the whole append: the entry and the other wrap are not stored either.
      expect(await store.appendMembership(vaultId, 2, [bytes('x')], [w(4, 1, 'd4e1'), w(2, 1, 'd2e1bis')])).toBe(false);
      expect(await store.appendMembership(vaultId, 2, [], [w(2, 0, 'evil')])).toBe(false);
      expect((await store.wraps(vaultId, 2, 0)).map(text)).toEqual(['d2e0', 'd2e1', 'd2e2']);
      expect((await store.wraps(vaultId, 2, 2)).map(text)).toEqual(['d2e2']);
      expect((await store.wraps(vaultId, 3, 1)).map(text)).toEqual(['d3e1']);
      expect(await store.wraps(vaultId, 4, 0)).toEqual([]);
      expect((await store.membership(vaultId, 0, 10)).map(text)).toEqual(['g', 'rotate']);
    });

    test('keeps the membership state and principal keys with the entries, never moving back (issue 12)', async () => {
      const store = ctx.store();
      const vaultId = id();
      const key = (index: number, active: boolean) => ({ index, role: 'device', sigPk: bytes(`k${index}`), active });
      const cp = (seq: number, keys = [key(2, true)]) => ({ seq, state: bytes(`state${seq}`), keys });
      expect(await store.membershipState(vaultId)).toBeUndefined();
      await store.createVault(vaultId, bytes('g'), [], undefined, cp(0));
      expect(await store.membershipState(vaultId)).toEqual({ seq: 0, state: bytes('state0') });
      expect(await store.principalKey(vaultId, 2)).toEqual(key(2, true));
      expect(await store.principalKey(vaultId, 3)).toBeUndefined();
      expect(await store.appendMembership(vaultId, 1, [bytes('e1')], [], cp(1, [key(2, false), key(3, true)]))).toBe(
        true,
      );
      expect(await store.principalKey(vaultId, 2)).toEqual(key(2, false));
      // A refused append (seq taken) writes neither the state nor the keys.
      expect(await store.appendMembership(vaultId, 1, [bytes('e1bis')], [], cp(1, [key(4, true)]))).toBe(false);
      expect(await store.principalKey(vaultId, 4)).toBeUndefined();
      await store.saveMembershipState(vaultId, cp(0));
      expect(await store.membershipState(vaultId)).toEqual({ seq: 1, state: bytes('state1') });
      expect(await store.principalKey(vaultId, 2)).toEqual(key(2, false));
    });

    test('lists the vaults without a membership state, in id order and by pages, for the start-up replay', async () => {
      const store = ctx.store();
      const all = async (): Promise<string[]> => {
        const seen: string[] = [];
        let after: Uint8Array = new Uint8Array(0);
        for (;;) {
          const page = await store.vaultsWithoutState(after, 2);
          seen.push(...page.map((v) => Buffer.from(v).toString('hex')));
          const last = page.at(-1);
          if (page.length < 2 || last === undefined) return seen;
          after = last;
        }
      };
      const legacy = id();
      const current = id();
      await store.createVault(legacy, bytes('g'), [], undefined);
      const cp = { seq: 0, state: bytes('s'), keys: [] };
      await store.createVault(current, bytes('g'), [], undefined, cp);
      const hex = (v: Uint8Array) => Buffer.from(v).toString('hex');
      const before = await all();
      expect(before).toContain(hex(legacy));
      expect(before).not.toContain(hex(current));
      expect([...before].sort()).toEqual(before);
      expect(new Set(before).size).toBe(before.length);
      await store.saveMembershipState(legacy, cp);
      expect(await all()).not.toContain(hex(legacy));
    });

    test('calls afterCommit before each write resolves, and another handle then sees the write', async () => {
      const seen: string[] = [];
      const store = await ctx.open({ afterCommit: (what) => seen.push(what) });
      const reader = await ctx.open();
      const vaultId = id();
      await store.createVault(vaultId, bytes('g'), [], undefined);
      expect(seen).toEqual(['createVault']);
      expect(await reader.vault(vaultId)).toEqual({ rv: 0, usedBytes: 1 }); // the genesis 'g'
      await store.appendMembership(vaultId, 1, [bytes('e1')], []);
      expect(seen.at(-1)).toBe('appendMembership');
      const recordId = id();
      await store.commitEnvelopes(vaultId, 1, [snapshot(recordId, 2, [], 'first')], 5);
      expect(seen.at(-1)).toBe('commitEnvelopes');
      expect((await reader.envelopesSince(vaultId, 0, undefined)).map((r) => r.rv)).toEqual([1]);
      const blobId = id(32);
      await store.startBlob(vaultId, blobId, recordId, 3);
      await store.appendBlobChunk(vaultId, blobId, 0, bytes('abc'), true);
      expect(seen.at(-1)).toBe('appendBlobChunk');
      expect((await reader.blob(vaultId, blobId))?.complete).toBe(true);
    });

    test('reports a failed write as a rejected promise, never as a synchronous throw', async () => {
      const store = ctx.store();
      const [vaultId, r] = [await newVault(store), id()];
      // The same (record, author, seq) twice: the write must fail, and callers chaining .then/.catch or
      // collecting promises for a group commit must see that failure as a rejection.
      let outcome: Promise<void> | undefined;
      expect(() => {
        outcome = store.commitEnvelopes(vaultId, 1, [update(r, 2, 1), update(r, 2, 1, 'dup')], 0);
      }).not.toThrow();
      await expect(outcome).rejects.toThrow();
    });

    logContract(ctx);
    blobContract(ctx);
  });
}
