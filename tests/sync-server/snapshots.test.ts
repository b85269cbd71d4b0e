import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { snapshotEnvelope, updateEnvelope, type Reply } from '#tests/helpers/relay-client';
import { startVaultRelay, type VaultRelay } from '#tests/helpers/relay-vault';

await ready();
const RECORD = new Uint8Array(16).fill(7);
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

describe('snapshots on the relay (PROTOCOL.md §13.3)', () => {
  let v: VaultRelay;
  beforeEach(async () => {
    v = await startVaultRelay('snapshots');
  });
  afterEach(async () => {
    await v.stop();
  });

  it('refuses a snapshot that does not cover every held update', async () => {
    const { a, log } = v;
    for (const seq of [1, 2, 3])
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, seq)] });
    const put = (baseRv: number, coverage: [number, number][]) =>
      a.request({
        type: 'SNAPSHOT_PUT',
        recordId: RECORD,
        baseRv,
        snapshot: snapshotEnvelope(log, 2, RECORD, coverage),
      });
    expect(code(await put(0, [[2, 2]]))).toBe('snapshot_not_covering');
    expect(
      code(
        await put(0, [
          [2, 3],
          [5, 1],
        ]),
      ),
    ).toBe('snapshot_not_covering'); // an invented author
    expect(code(await put(3, [[2, 3]]))).toBe('stale_base');
    expect(await put(0, [[2, 3]])).toMatchObject({ type: 'ACK', value: 5 });
  });

  it('serves the active snapshot and only the updates after it', async () => {
    const { a, log } = v;
    for (const seq of [1, 2, 3])
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, seq)] });
    await a.request({
      type: 'SNAPSHOT_PUT',
      recordId: RECORD,
      baseRv: 0,
      snapshot: snapshotEnvelope(log, 2, RECORD, [[2, 3]]),
    });
    await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 4)] });
    const frames = await a.sync(0, false);
    const group = frames
      .flatMap((f) => (f.type === 'RECORDS' ? f.groups : []))
      .find((g) => Buffer.from(g.recordId).equals(Buffer.from(RECORD)));
    expect(group?.envelopes.length).toBe(2); // the snapshot and the one update after it, not the three it covers
  });

  it('lets the compacting device fold its own unpushed updates in, and continues its sequence after them', async () => {
    const { a, log } = v;
    await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 1)] });
    expect(
      code(
        await a.request({
          type: 'SNAPSHOT_PUT',
          recordId: RECORD,
          baseRv: 0,
          snapshot: snapshotEnvelope(log, 2, RECORD, [[2, 4]]),
        }),
      ),
    ).toBe('ACK');
    expect(
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 2)] }),
    ).toMatchObject({
      code: 'bad_sequence',
      expected: 5,
    });
  });
});
