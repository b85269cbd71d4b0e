import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { entryHash, NOTICE, type RelayFrame } from '#protocol';
import { checkBroadcastRechecksRights } from './relay-checks.ts';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import {
  authenticate,
  createVault,
  localOrigin,
  RelayClient,
  updateEnvelope,
  type Reply,
  rotationWraps,
} from '#tests/helpers/relay-client';

await ready();
const RECORD = new Uint8Array(16).fill(7);

const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

describe('relay core: who may do what (PROTOCOL.md §11-13)', () => {
  let relay: TestRelay;
  let log: MembershipLogBuilder;
  let origin: string;
  let a: RelayClient;

  const connect = (): Promise<RelayClient> => RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
  /** Appends entries the builder already accepted locally, through device `signer`'s session. */
  const append = (client: RelayClient, from: number, wraps: Uint8Array[] = []): Promise<Reply> =>
    client.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(from), wraps, keyboxes: [] });

  beforeEach(async () => {
    log = new MembershipLogBuilder(`relay-access-${Math.random()}`).genesis();
    relay = await startTestRelay({ identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk } });
    origin = localOrigin(relay.port);
    a = await connect();
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
  });
  afterEach(async () => {
    a.close();
    await relay.stop();
  });

  it('a member device pushes; a second device syncs it and then receives live edits', async () => {
    const first = log.entries.length;
    const b = log.addDevice(2, 0);
    expect(await append(a, first)).toMatchObject({ type: 'ACK', value: 1 });
    expect(
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 1)] }),
    ).toMatchObject({ type: 'ACK', value: 2 });

    const clientB = await connect();
    expect(await authenticate(clientB, log, origin, b)).toMatchObject({ type: 'SESSION', principal: b, headSeq: 1 });
    const frames = await clientB.sync(0, true);
    const records = frames.filter((f): f is Extract<RelayFrame, { type: 'RECORDS' }> => f.type === 'RECORDS');
    expect(records.flatMap((f) => f.groups).length).toBe(2); // the index snapshot and the record
    expect(frames.at(-1)).toEqual({ type: 'SYNC_DONE', rv: 2 });

    const live = clientB.nextPush();
    expect(
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 2)] }),
    ).toMatchObject({ value: 3 });
    expect(await live).toMatchObject({ type: 'RECORDS', rv: 3 });
    clientB.close();
  });

  it('refuses a non-member', async () => {
    const forger = await connect();
    log.keys.set(99, log.identity());
    expect(code(await authenticate(forger, log, origin, 99))).toBe('auth_failed');
    expect((await forger.closed).code).toBe(1008);

    const impostor = await connect();
    log.keys.set(2, log.identity()); // right index, wrong key
    expect(code(await authenticate(impostor, log, origin, 2))).toBe('auth_failed');
  });

  it('refuses a removed member and closes its sockets at once', async () => {
    const first = log.entries.length;
    const c = log.addDevice(2, 0);
    expect(code(await append(a, first))).toBe('ACK');
    const clientC = await connect();
    expect(code(await authenticate(clientC, log, origin, c))).toBe('SESSION');
    const before = log.entries.length;
    log.removeDevice(2, c);
    const ended = clientC.nextPush();
    expect(code(await append(a, before, rotationWraps(log, 2)))).toBe('ACK');
    expect(await ended).toMatchObject({ type: 'NOTICE', kind: NOTICE.SESSION_ENDS });
    expect((await clientC.closed).code).toBe(1008);

    const again = await connect();
    expect(code(await authenticate(again, log, origin, c))).toBe('revoked');
  });

  it('refuses a write under a stale epoch', async () => {
    const first = log.entries.length;
    const c = log.addDevice(2, 0);
    log.removeDevice(2, c);
    expect(code(await append(a, first, rotationWraps(log, 2)))).toBe('ACK');
    // Device 2 writing under the old epoch 0 after the rotation: refused, nothing stored.
    expect(
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 1, undefined, 0)] }),
    ).toMatchObject({
      type: 'error',
      code: 'stale_epoch',
    });
    const frames = await a.sync(0, false);
    expect(frames.at(-1)).toEqual({ type: 'SYNC_DONE', rv: 1 });
  });

  it('refuses a write citing a head outside the current epoch', async () => {
    const first = log.entries.length;
    const c = log.addDevice(2, 0);
    log.removeDevice(2, c); // epoch 1 starts at seq 2
    expect(code(await append(a, first, rotationWraps(log, 2)))).toBe('ACK');
    const stale = updateEnvelope(log, 2, RECORD, 1, undefined, 1, {
      mhead: 1,
      headHash: entryHash(log.vaultId, log.entries[1] ?? new Uint8Array()),
    });
    expect(code(await a.request({ type: 'PUSH', recordId: RECORD, updates: [stale] }))).toBe('stale_head');
    expect(
      code(
        await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 1, undefined, 1)] }),
      ),
    ).toBe('ACK');
  });

  it('re-checks membership before every broadcast', async () => {
    expect((await checkBroadcastRechecksRights()).ok).toBe(true);
  });

  it('refuses a rotation without a wrap for every member (missing_wraps) and keeps the old head', async () => {
    const first = log.entries.length;
    const c = log.addDevice(2, 0);
    log.removeDevice(2, c);
    expect(code(await append(a, first, []))).toBe('missing_wraps');
    const entries = await a.request({ type: 'MEMBER_GET', sinceSeq: 0 });
    expect(entries).toMatchObject({ type: 'MEMBER_ENTRIES', more: false });
    expect(entries.type === 'MEMBER_ENTRIES' && entries.entries.length).toBe(1);
  });

  it('refuses a forged membership entry', async () => {
    const forged = log.draft(
      2,
      { kind: 'device-add', person: 0, sigPk: log.identity().sigPk, boxPk: log.identity().boxPk },
      log.identity().sigSk,
    );
    expect(code(await a.request({ type: 'MEMBER_APPEND', entries: [forged], wraps: [], keyboxes: [] }))).toBe(
      'member_bad_signature',
    );
    const entries = await a.request({ type: 'MEMBER_GET', sinceSeq: 0 });
    expect(entries.type === 'MEMBER_ENTRIES' && entries.entries.length).toBe(1);
  });

  it('refuses a replayed membership entry', async () => {
    expect(
      code(
        await a.request({
          type: 'MEMBER_APPEND',
          entries: [log.entries[0] ?? new Uint8Array()],
          wraps: [],
          keyboxes: [],
        }),
      ),
    ).toBe('member_replayed');
    const entries = await a.request({ type: 'MEMBER_GET', sinceSeq: 0 });
    expect(entries.type === 'MEMBER_ENTRIES' && entries.entries.length).toBe(1);
  });

  it("refuses a write whose author is not the session's key", async () => {
    const first = log.entries.length;
    const b = log.addDevice(2, 0);
    await append(a, first);
    expect(
      code(await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, b, RECORD, 1)] })),
    ).toBe('wrong_author');
  });

  it('refuses an out-of-sequence write', async () => {
    const one = updateEnvelope(log, 2, RECORD, 1);
    expect(await a.request({ type: 'PUSH', recordId: RECORD, updates: [one] })).toMatchObject({
      type: 'ACK',
      value: 2,
    });
    expect(
      await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, 3)] }),
    ).toMatchObject({
      type: 'error',
      code: 'bad_sequence',
      expected: 2,
    });
    expect(await a.request({ type: 'PUSH', recordId: RECORD, updates: [one] })).toMatchObject({
      type: 'ACK',
      value: 2,
    });
    expect(
      code(
        await a.request({
          type: 'PUSH',
          recordId: RECORD,
          updates: [updateEnvelope(log, 2, RECORD, 1, new Uint8Array([9]))],
        }),
      ),
    ).toBe('bad_sequence');
  });

  it('needs authentication for everything but AUTH and VAULT_CREATE', async () => {
    const anonymous = await connect();
    expect(code(await anonymous.request({ type: 'SYNC', sinceRv: 0, live: false, scope: [] }))).toBe(
      'not_authenticated',
    );
    expect(code(await anonymous.request({ type: 'PUSH', recordId: RECORD, updates: [] }))).toBe('not_authenticated');
  });

  it('refuses a second vault with the same id (vault_exists)', async () => {
    const again = await connect();
    expect(code(await createVault(again, log, origin))).toBe('vault_exists');
  });
});
