// Issue 12 item 4 (security.md case 21, cost per socket): readers that SYNC a multi-MiB vault and then stop
// reading must not pin the relay's memory. The real relay process with its default limits (STALL_TIMEOUT_MS
// 30 s): 40 such readers are cut within 35 s, and the relay's RSS is printed before, during and after. Before
// issue 12 they stayed open (the slow-consumer close only fired when the relay tried to send more).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ready, toHex } from '#crypto';
import { CLIENT_FRAME, encodeClientPayload, joinFrame } from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { createVault, localOrigin, RelayClient, updateEnvelope, type Reply } from '#tests/helpers/relay-client';
import { bundleRelay, type RelayProcess } from './relay-process-harness.ts';
import { deviceSession, rssMiB, startRelayFor, tcpOf } from './sync-stream-reader.ts';

const MiB = 1024 * 1024;
const READERS = 40;
const VAULT_BYTES = 6 * MiB;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('readers that stop reading (issue 12 item 4)', () => {
  let relay: RelayProcess | undefined;
  let log: MembershipLogBuilder;

  beforeAll(async () => {
    await ready();
    log = new MembershipLogBuilder(`stalled-${Date.now()}`).genesis();
    relay = await startRelayFor(await bundleRelay(), log);
    const origin = localOrigin(relay.port);
    const writer = await RelayClient.connect(`ws://127.0.0.1:${relay.port}/sync`, log.relay.sigPk, origin);
    expect((await createVault(writer, log, origin)).type).toBe('SESSION');
    const records = log.recordIds(8);
    const body = new Uint8Array(200 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    const seqs = new Map<string, number>();
    for (let bytes = 0, i = 0; bytes < VAULT_BYTES; i++) {
      const recordId = records[i % records.length] ?? new Uint8Array(16);
      const seq = (seqs.get(toHex(recordId)) ?? 0) + 1;
      seqs.set(toHex(recordId), seq);
      const ack: Reply = await writer.request({
        type: 'PUSH',
        recordId,
        updates: [updateEnvelope(log, 2, recordId, seq, body)],
      });
      if (ack.type !== 'ACK') throw new Error(`PUSH refused: ${JSON.stringify(ack)}`);
      bytes += body.length;
    }
    writer.close();
  }, 60_000);

  afterAll(() => {
    relay?.child.kill('SIGKILL');
  });

  it('cuts 40 readers that stopped reading a 6 MiB vault within 35 s at the default limits', async () => {
    if (relay === undefined) throw new Error('no relay');
    const pid = relay.child.pid ?? 0;
    await sleep(300);
    const before = rssMiB(pid);
    const readers: RelayClient[] = [];
    for (let i = 0; i < READERS; i++) {
      const reader = await deviceSession(relay.port, log);
      // Stop reading, then ask for everything: the relay fills the kernel's buffers and its own queue.
      tcpOf(reader).pause();
      reader.ws.send(
        joinFrame(CLIENT_FRAME.SYNC, 1, encodeClientPayload({ type: 'SYNC', sinceRv: 0, live: false, scope: [] })),
      );
      readers.push(reader);
    }
    const startedAt = Date.now();
    await sleep(3000);
    const during = rssMiB(pid);
    const cut = (): number => relay?.lines.filter((line) => line.includes('"msg":"socket cut"')).length ?? 0;
    while (cut() < READERS && Date.now() - startedAt < 35_000) await sleep(250);
    const cutAfterMs = Date.now() - startedAt;
    await sleep(2000);
    const after = rssMiB(pid);
    const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
    console.log(
      `${READERS} stalled readers of a ${VAULT_BYTES / MiB} MiB vault: relay RSS ${before} MiB before, ${during} MiB during, ` +
        `${after} MiB after; ${cut()} cut after ${(cutAfterMs / 1000).toFixed(1)} s (STALL_TIMEOUT_MS default 30 s)`,
    );
    for (const reader of readers) reader.ws.terminate();
    expect(cut()).toBe(READERS);
    expect(cutAfterMs).toBeLessThan(35_000);
    expect(health.status).toBe(200);
  }, 90_000);

  it('cuts a peer that stops answering pings (PING_INTERVAL_MS) and keeps one that answers', async () => {
    const local = await startRelayFor(await bundleRelay(), log, { PING_INTERVAL_MS: '1000' });
    const url = `ws://127.0.0.1:${local.port}/sync`;
    try {
      const silent = new WebSocket(url, { autoPong: false });
      const polite = new WebSocket(url);
      await Promise.all([silent, polite].map((ws) => new Promise((resolve) => ws.once('open', resolve))));
      // Idle but authenticated-looking for longer than two intervals: the auth timeout (10 s) is not in play.
      const closedAt = await Promise.race([
        new Promise<number>((resolve) => silent.once('close', () => resolve(Date.now()))),
        sleep(5000).then(() => 0),
      ]);
      expect(closedAt).toBeGreaterThan(0);
      expect(polite.readyState).toBe(WebSocket.OPEN);
      expect(local.lines.some((line) => line.includes('"why":"no_pong"'))).toBe(true);
      polite.terminate();
    } finally {
      local.child.kill('SIGKILL');
    }
  }, 30_000);

  it('caps sockets open at once per address (MAX_SOCKETS_PER_ADDRESS) with too_many_connections', async () => {
    const local = await startRelayFor(await bundleRelay(), log, { MAX_SOCKETS_PER_ADDRESS: '3', MAX_SOCKETS: '4' });
    const url = `ws://127.0.0.1:${local.port}/sync`;
    const open = (localAddress: string): Promise<{ ws: WebSocket; refused?: string; code?: number }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { localAddress });
        ws.once('error', reject);
        ws.once('message', (data: Buffer) => {
          const frame = JSON.parse(data.toString()) as { type: string; code?: string };
          // A welcome means admitted; a refusal comes before it, then the close.
          if (frame.type === 'welcome') resolve({ ws });
          else ws.once('close', (code) => resolve({ ws, refused: frame.code, code }));
        });
        ws.once('open', () => {
          ws.send(JSON.stringify({ type: 'hello', versions: [1], nonce: Buffer.alloc(32).toString('base64url') }));
        });
      });
    try {
      const first = await Promise.all([open('127.0.0.1'), open('127.0.0.1'), open('127.0.0.1')]);
      expect(first.map((s) => s.refused)).toEqual([undefined, undefined, undefined]);
      const fourth = await open('127.0.0.1');
      expect([fourth.refused, fourth.code]).toEqual(['too_many_connections', 1008]);
      // Another address still gets in, up to the relay-wide cap of 4.
      const other = await open('127.0.0.2');
      expect(other.refused).toBeUndefined();
      const full = await open('127.0.0.3');
      expect([full.refused, full.code]).toEqual(['too_many_connections', 1008]);
      // A socket that closes gives its place back.
      first[0].ws.close();
      await sleep(300);
      expect((await open('127.0.0.1')).refused).toBeUndefined();
      for (const s of [...first, other]) s.ws.terminate();
    } finally {
      local.child.kill('SIGKILL');
    }
  }, 30_000);
});
