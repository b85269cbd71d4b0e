import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { CLIENT_FRAME, encodeClientPayload, joinFrame, type RelayFrame } from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import {
  authenticate,
  createVault,
  localOrigin,
  RelayClient,
  updateEnvelope,
  type Reply,
} from '#tests/helpers/relay-client';

await ready();
const RECORD = new Uint8Array(16).fill(9);
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

describe('relay live traffic: presence, slow readers, quota', () => {
  let relay: TestRelay;
  let log: MembershipLogBuilder;
  let origin: string;
  let a: RelayClient;
  let b: RelayClient;

  async function start(limits: Parameters<typeof startTestRelay>[0] = {}): Promise<void> {
    log = new MembershipLogBuilder(`relay-live-${Math.random()}`).genesis();
    relay = await startTestRelay({ identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk }, ...limits });
    origin = localOrigin(relay.port);
    a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
    const first = log.entries.length;
    const device = log.addDevice(2, 0);
    await a.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps: [], keyboxes: [] });
    b = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await authenticate(b, log, origin, device))).toBe('SESSION');
  }
  beforeEach(() => undefined);
  afterEach(async () => {
    a.close();
    b.close();
    await relay.stop();
  });

  it('forwards presence and never stores it', async () => {
    await start();
    await b.sync(0, true);
    const forwarded = b.nextPush();
    a.ws.send(
      // PRESENCE has no answer: sent raw, then observed at the reader.
      joinFrame(
        CLIENT_FRAME.PRESENCE,
        99,
        encodeClientPayload({
          type: 'PRESENCE',
          recordId: RECORD,
          epoch: 0,
          nonce: new Uint8Array(24).fill(1),
          ciphertext: new Uint8Array(40).fill(2),
        }),
      ),
    );
    expect(await forwarded).toMatchObject({ type: 'PRESENCE_FWD', sender: 2, epoch: 0 });
    // Nothing was stored: a SYNC from 0 serves only the index snapshot, the vault rv is unchanged.
    const frames = await a.sync(0, false);
    expect(frames.at(-1)).toEqual({ type: 'SYNC_DONE', rv: 1 });
  });

  it('closes a reader that does not drain its socket (1013 slow_consumer) without stalling the writer', async () => {
    await start({ limits: { maxBufferedBytes: 256 * 1024 } });
    await b.sync(0, true);
    // The reader stops reading from its TCP socket: the relay's queue for it grows with every fan-out.
    (b.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = b.closed;
    const big = new Uint8Array(60_000).fill(7);
    // Loopback socket buffers absorb a few MB before the relay's own queue grows: push well past that.
    for (let seq = 1; seq <= 300; seq++) {
      expect(
        await a.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(log, 2, RECORD, seq, big)] }),
      ).toMatchObject({ type: 'ACK' });
    }
    (b.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toMatchObject({ code: 1013 });
  }, 120_000);

  it('refuses pushes over the vault quota (quota_exceeded) and stores nothing of them', async () => {
    await start({ limits: { vaultQuotaBytes: 3_000 } });
    const frames: RelayFrame[] = [];
    let refused = '';
    for (let seq = 1; seq <= 20 && refused === ''; seq++) {
      const reply = await a.request({
        type: 'PUSH',
        recordId: RECORD,
        updates: [updateEnvelope(log, 2, RECORD, seq, new Uint8Array(500))],
      });
      if (reply.type === 'error') refused = reply.code;
      else frames.push(reply);
    }
    expect(refused).toBe('quota_exceeded');
    const done = (await a.sync(0, false)).at(-1);
    expect(done).toEqual({ type: 'SYNC_DONE', rv: 1 + frames.length });
  });
});
