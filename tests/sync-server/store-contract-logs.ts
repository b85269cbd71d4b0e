import { expect } from 'vitest';
import {
  attempt,
  bodies,
  commit,
  GENESIS_BYTES,
  id,
  newVault,
  size,
  snapshot,
  text,
  update,
  type ContractContext,
} from './store-contract-fixtures.ts';

/** Per-record logs (PROTOCOL.md §13.1–§13.4): rv, high-water marks, the active snapshot, serving. */
export function logContract(ctx: ContractContext): void {
  const { test } = ctx;

  test('hands out consecutive rv across calls and raises the high-water marks per author', async () => {
    const store = ctx.store();
    const [vaultId, r1, r2] = [await newVault(ctx.store()), id(), id()];
    await store.commitEnvelopes(vaultId, 1, [update(r1, 2, 1), update(r1, 2, 2)], 10);
    await store.commitEnvelopes(vaultId, 3, [update(r2, 3, 1)], 5);
    await store.commitEnvelopes(vaultId, 4, [update(r1, 3, 1), update(r1, 2, 3)], 10);
    expect(await store.vault(vaultId)).toEqual({ rv: 5, usedBytes: GENESIS_BYTES + 25 });
    const rows = await store.envelopesSince(vaultId, 0, undefined);
    expect(rows.map((r) => r.rv)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[4]).toEqual({ rv: 5, recordId: r1, kind: 'update', author: 2, seq: 3, bytes: update(r1, 2, 3).bytes });
    const state = await store.recordState(vaultId, r1);
    expect(state).toEqual({
      hw: new Map([
        [2, 3],
        [3, 1],
      ]),
      snapshotRv: 0,
      deleted: false,
    });
    expect((await store.recordState(vaultId, r2)).hw).toEqual(new Map([[3, 1]]));
    expect(await store.recordState(vaultId, id())).toEqual({ hw: new Map(), snapshotRv: 0, deleted: false });
  });

  test('refuses a commit whose first rv does not follow the vault rv, and writes nothing', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    await commit(store, vaultId, [update(r, 2, 1)]);
    await expect(attempt(() => store.commitEnvelopes(vaultId, 5, [update(r, 2, 2)], 4))).rejects.toThrow();
    expect((await store.vault(vaultId))?.rv).toBe(1);
    expect((await store.recordState(vaultId, r)).hw.get(2)).toBe(1);
  });

  test('refuses a commit to an unknown vault', async () => {
    await expect(attempt(() => ctx.store().commitEnvelopes(id(), 1, [update(id(), 2, 1)], 4))).rejects.toThrow();
  });

  test('a snapshot becomes the active one and its coverage raises the marks, never lowers them', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    await commit(store, vaultId, [update(r, 2, 1), update(r, 3, 1), update(r, 3, 2)]);
    // The compacting author folds its own unpushed updates in (coverage 5 > hw 1); author 3 stays at 2.
    const rv = await commit(store, vaultId, [
      snapshot(r, 2, [
        [2, 5],
        [3, 2],
      ]),
    ]);
    expect(await store.recordState(vaultId, r)).toEqual({
      hw: new Map([
        [2, 5],
        [3, 2],
      ]),
      snapshotRv: rv,
      deleted: false,
    });
    const later = await commit(store, vaultId, [
      snapshot(
        r,
        3,
        [
          [2, 1],
          [3, 2],
        ],
        'lower',
      ),
    ]);
    expect(await store.recordState(vaultId, r)).toEqual({
      hw: new Map([
        [2, 5],
        [3, 2],
      ]),
      snapshotRv: later,
      deleted: false,
    });
  });

  test('a deposit is the first active snapshot of its record', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    const rv = await commit(store, vaultId, [snapshot(r, 9, [], 'deposit', 'deposit')]);
    expect((await store.recordState(vaultId, r)).snapshotRv).toBe(rv);
    const rows = await store.envelopesSince(vaultId, 0, undefined);
    expect(rows.map((row) => [row.kind, row.author, row.seq, text(row.bytes)])).toEqual([['deposit', 9, 0, 'deposit']]);
  });

  test('serves from before the active snapshot: the snapshot and only the updates after it', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    await commit(store, vaultId, [update(r, 2, 1), update(r, 2, 2)]); // rv 1, 2
    await commit(store, vaultId, [snapshot(r, 2, [[2, 2]], 'old-snap')]); // rv 3, superseded below
    await commit(store, vaultId, [update(r, 2, 3)]); // rv 4
    await commit(store, vaultId, [snapshot(r, 2, [[2, 3]], 'snap')]); // rv 5
    await commit(store, vaultId, [update(r, 2, 4), update(r, 2, 5)]); // rv 6, 7
    expect(bodies(await store.envelopesSince(vaultId, 0, undefined))).toEqual(['snap', 'u2.4', 'u2.5']);
    expect(bodies(await store.envelopesSince(vaultId, 4, undefined))).toEqual(['snap', 'u2.4', 'u2.5']);
  });

  test('serves from at or after the active snapshot: only the newer updates', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    await commit(store, vaultId, [update(r, 2, 1)]); // rv 1
    await commit(store, vaultId, [snapshot(r, 2, [[2, 1]], 'snap')]); // rv 2
    await commit(store, vaultId, [update(r, 2, 2), update(r, 2, 3)]); // rv 3, 4
    expect(bodies(await store.envelopesSince(vaultId, 2, undefined))).toEqual(['u2.2', 'u2.3']);
    expect(bodies(await store.envelopesSince(vaultId, 3, undefined))).toEqual(['u2.3']);
    expect(await store.envelopesSince(vaultId, 4, undefined)).toEqual([]);
  });

  test('serves several records in rv order and filters by record ids', async () => {
    const store = ctx.store();
    const [vaultId, a, b, c] = [await newVault(store), id(), id(), id()];
    await commit(store, vaultId, [update(a, 2, 1, 'a1')]);
    await commit(store, vaultId, [update(b, 2, 1, 'b1')]);
    await commit(store, vaultId, [update(c, 2, 1, 'c1')]);
    await commit(store, vaultId, [update(a, 2, 2, 'a2')]);
    expect(bodies(await store.envelopesSince(vaultId, 0, undefined))).toEqual(['a1', 'b1', 'c1', 'a2']);
    expect(bodies(await store.envelopesSince(vaultId, 0, [a, c]))).toEqual(['a1', 'c1', 'a2']);
    expect(bodies(await store.envelopesSince(vaultId, 1, [a]))).toEqual(['a2']);
    expect(await store.envelopesSince(vaultId, 0, [])).toEqual([]);
    expect(await store.envelopesSince(vaultId, 0, [id()])).toEqual([]);
    expect(await store.envelopesSince(id(), 0, undefined)).toEqual([]);
  });

  test('serves the records whose id starts with a prefix with the listed ones, in rv order (the index family)', async () => {
    const store = ctx.store();
    const vaultId = await newVault(store);
    // A prefix with 0x00 and 0xff bytes; ids under it, one that differs in its last byte, and one listed id.
    const prefix = Uint8Array.of(0x00, 0xff, 0x25, 0x5f, 0x80, 0x7f, 0x01, 0xfe, 0x00, 0xff);
    const under = (tail: number): Uint8Array => Uint8Array.from([...prefix, 0, 0, 0, 2, 0, tail]);
    const [s0, s1, listed] = [under(0), under(1), id()];
    const near = under(2);
    near[9] = 0xfe;
    for (const [r, body] of [
      [s0, 's0'],
      [listed, 'l1'],
      [near, 'n1'],
      [s1, 's1'],
      [s0, 's0b'],
    ] as const)
      await commit(store, vaultId, [update(r, 2, body.endsWith('b') ? 2 : 1, body)]);
    expect(bodies(await store.envelopesSince(vaultId, 0, [listed], undefined, prefix))).toEqual([
      's0',
      'l1',
      's1',
      's0b',
    ]);
    expect(bodies(await store.envelopesSince(vaultId, 2, [], undefined, prefix))).toEqual(['s1', 's0b']);
    expect(bodies(await store.envelopesSince(vaultId, 0, [listed], { rows: 2, bytes: 1 << 20 }, prefix))).toEqual([
      's0',
      'l1',
    ]);
    // Without a prefix, or with no scope at all, nothing changes.
    expect(bodies(await store.envelopesSince(vaultId, 0, [listed]))).toEqual(['l1']);
    expect(bodies(await store.envelopesSince(vaultId, 0, undefined, undefined, prefix))).toEqual([
      's0',
      'l1',
      'n1',
      's1',
      's0b',
    ]);
    expect(await store.envelopesSince(id(), 0, [], undefined, prefix)).toEqual([]);
  });

  test('serves pages by rv and by seq within a row and a byte limit, resuming exactly after the last one', async () => {
    const store = ctx.store();
    const [vaultId, a, b] = [await newVault(store), id(), id()];
    for (let seq = 1; seq <= 5; seq++) await commit(store, vaultId, [update(a, 2, seq), update(b, 3, seq)]);
    const all = bodies(await store.envelopesSince(vaultId, 0, undefined));
    const paged: string[] = [];
    for (let cursor = 0; ;) {
      const page = await store.envelopesSince(vaultId, cursor, undefined, { rows: 3, bytes: 1 << 20 });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(3);
      paged.push(...bodies(page));
      cursor = page.at(-1)?.rv ?? cursor;
    }
    expect(paged).toEqual(all);
    // The byte limit stops after the row that reaches it, and always gives at least one row.
    expect(bodies(await store.envelopesSince(vaultId, 0, undefined, { rows: 100, bytes: 1 }))).toEqual(['u2.1']);
    expect(bodies(await store.envelopesSince(vaultId, 0, undefined, { rows: 100, bytes: 5 }))).toEqual([
      'u2.1',
      'u3.1',
    ]);
    expect(bodies(await store.envelopesSince(vaultId, 2, [b], { rows: 2, bytes: 1 << 20 }))).toEqual(['u3.2', 'u3.3']);
    expect(bodies(await store.updatesRange(vaultId, a, 2, 2, 9, { rows: 2, bytes: 1 << 20 }))).toEqual([
      'u2.2',
      'u2.3',
    ]);
    expect(bodies(await store.updatesRange(vaultId, a, 2, 4, 9, { rows: 9, bytes: 1 }))).toEqual(['u2.4']);
  });

  test('counts membership entries and wraps in the vault’s used bytes (issue 12 item 3)', async () => {
    const store = ctx.store();
    const vaultId = await newVault(store);
    const wraps = [{ recipient: 5, epoch: 0, bytes: new Uint8Array(64 * 1024) }];
    expect(await store.appendMembership(vaultId, 1, [new Uint8Array(300)], wraps)).toBe(true);
    expect((await store.vault(vaultId))?.usedBytes).toBe(GENESIS_BYTES + 300 + 64 * 1024);
    // A refused append (seq taken) counts nothing.
    expect(await store.appendMembership(vaultId, 1, [new Uint8Array(300)], [])).toBe(false);
    expect((await store.vault(vaultId))?.usedBytes).toBe(GENESIS_BYTES + 300 + 64 * 1024);
  });

  test('finds an accepted update by (record, author, seq); a resend commits nothing new', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    const first = update(r, 2, 1);
    await commit(store, vaultId, [first, update(r, 2, 2)]);
    expect(await store.findUpdate(vaultId, r, 2, 1)).toEqual({ rv: 1, hash: first.hash });
    expect(await store.findUpdate(vaultId, r, 2, 3)).toBeUndefined();
    expect(await store.findUpdate(vaultId, r, 3, 1)).toBeUndefined();
    await expect(
      attempt(() => store.commitEnvelopes(vaultId, 3, [update(r, 2, 1, 'other bytes')], 11)),
    ).rejects.toThrow();
    expect(await store.findUpdate(vaultId, r, 2, 1)).toEqual({ rv: 1, hash: first.hash });
    expect(await store.vault(vaultId)).toEqual({ rv: 2, usedBytes: GENESIS_BYTES + size([first, update(r, 2, 2)]) });
  });

  test('a failing commit leaves nothing behind: no envelope, record, mark, rv or bytes', async () => {
    const store = ctx.store();
    const [vaultId, r, fresh] = [await newVault(store), id(), id()];
    await commit(store, vaultId, [update(r, 2, 1)]);
    const before = await store.vault(vaultId);
    // The third envelope repeats (r, 2, 1): the whole batch must roll back, the new record included.
    const batch = [update(fresh, 3, 1), snapshot(r, 2, [[2, 9]]), update(r, 2, 1, 'dup')];
    await expect(attempt(() => store.commitEnvelopes(vaultId, 2, batch, size(batch)))).rejects.toThrow();
    expect(await store.vault(vaultId)).toEqual(before);
    expect(await store.recordState(vaultId, r)).toEqual({ hw: new Map([[2, 1]]), snapshotRv: 0, deleted: false });
    expect(await store.recordState(vaultId, fresh)).toEqual({ hw: new Map(), snapshotRv: 0, deleted: false });
    expect(bodies(await store.envelopesSince(vaultId, 0, undefined))).toEqual(['u2.1']);
  });

  test('two handles racing for the same rv: exactly one commits and the counters stay consistent', async () => {
    const [a, b] = [await ctx.open(), await ctx.open()];
    const [vaultId, r] = [await newVault(a), id()];
    const results = await Promise.allSettled([
      attempt(() => a.commitEnvelopes(vaultId, 1, [update(r, 2, 1, 'from-a')], 6)),
      attempt(() => b.commitEnvelopes(vaultId, 1, [update(r, 3, 1, 'from-b')], 6)),
    ]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await a.vault(vaultId)).toEqual({ rv: 1, usedBytes: GENESIS_BYTES + 6 });
    expect([...(await a.recordState(vaultId, r)).hw.values()]).toEqual([1]);
    expect(await a.envelopesSince(vaultId, 0, undefined)).toHaveLength(1);
  });

  test('answers one author’s updates within a seq range, in seq order', async () => {
    const store = ctx.store();
    const [vaultId, r, other] = [await newVault(store), id(), id()];
    await commit(store, vaultId, [update(r, 2, 1), update(r, 3, 1), update(r, 2, 2), update(r, 2, 3)]);
    await commit(store, vaultId, [update(other, 2, 1, 'other')]);
    await commit(store, vaultId, [
      snapshot(r, 2, [
        [2, 3],
        [3, 1],
      ]),
    ]);
    const rows = await store.updatesRange(vaultId, r, 2, 2, 9);
    expect(rows.map((row) => [row.rv, row.seq, text(row.bytes)])).toEqual([
      [3, 2, 'u2.2'],
      [4, 3, 'u2.3'],
    ]);
    expect(bodies(await store.updatesRange(vaultId, r, 2, 1, 1))).toEqual(['u2.1']);
    expect(await store.updatesRange(vaultId, r, 4, 0, 9)).toEqual([]);
  });

  test('keeps counters beyond 32 bits as exact numbers', async () => {
    const store = ctx.store();
    const [vaultId, r] = [await newVault(store), id()];
    const big = 2 ** 40 + 7;
    await store.commitEnvelopes(vaultId, 1, [update(r, 2 ** 33, big)], 2 ** 41);
    expect(await store.vault(vaultId)).toEqual({ rv: 1, usedBytes: GENESIS_BYTES + 2 ** 41 });
    expect((await store.recordState(vaultId, r)).hw).toEqual(new Map([[2 ** 33, big]]));
    expect((await store.findUpdate(vaultId, r, 2 ** 33, big))?.rv).toBe(1);
  });
}
