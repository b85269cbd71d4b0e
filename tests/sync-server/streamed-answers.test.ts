// Issue 12 item 5 and security.md case 22: FETCH and MEMBER_GET answers larger than the send buffer reach a slow
// honest reader whole, streamed at its pace, as SYNC's do (big-vault-sync.test.ts). A scaled-down relay keeps
// this quick: a 128 KiB send buffer (config.ts would refuse it with the default frame limit, createRelay takes
// it), answers of about 1.5x and 15x the buffer, readers throttled to 256 KiB/s and 1 MiB/s. Before the stream
// budget (limits/stream-budget.ts) the FETCH was closed with 1013 at once: it packed up to MAX_FRAME_BYTES (4 MiB)
// into one frame whatever the send buffer. MEMBER_GET already paged (500 entries) and passed before too; its
// frames are now also cut to the budget, which matters only for entries far larger than any valid one today.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import type { RelayFrame } from '#protocol';
import { startVaultRelay, type VaultRelay } from '#tests/helpers/relay-vault';
import { authenticate, updateEnvelope, type RelayClient } from '#tests/helpers/relay-client';
import { envelopeKey, readStream } from './sync-stream-reader.ts';

const KiB = 1024;
const BUFFER = 128 * KiB;
const UPDATES = 40;
const UPDATE_BYTES = 48 * KiB;
const DEVICES = 1000;

describe('streamed FETCH and MEMBER_GET to a slow reader (issue 12 item 5)', () => {
  let v: VaultRelay;
  const recordId = new Uint8Array(16).fill(9);
  const pushed: string[] = [];

  const reader = async (): Promise<RelayClient> => {
    const client = await v.connect();
    client.ws.on('error', () => undefined);
    expect((await authenticate(client, v.log, v.origin, 2)).type).toBe('SESSION');
    return client;
  };

  beforeAll(async () => {
    await ready();
    v = await startVaultRelay('streamed', { limits: { maxBufferedBytes: BUFFER } });
    for (let seq = 1; seq <= UPDATES; seq++) {
      const update = updateEnvelope(v.log, 2, recordId, seq, new Uint8Array(UPDATE_BYTES).fill(seq));
      expect((await v.a.request({ type: 'PUSH', recordId, updates: [update] })).type).toBe('ACK');
      pushed.push(envelopeKey(update));
    }
    for (let batch = 0; batch < DEVICES / 250; batch++) {
      const first = v.log.entries.length;
      for (let i = 0; i < 250; i++) v.log.addDevice(2, 0);
      const entries = v.log.entries.slice(first);
      expect((await v.a.request({ type: 'MEMBER_APPEND', entries, wraps: [], keyboxes: [] })).type).toBe('ACK');
    }
  }, 60_000);

  afterAll(async () => {
    await v.stop();
  });

  it('streams a FETCH of 15x the send buffer to a reader at 1 MiB/s: every update, in order, no 1013', async () => {
    let received = 0;
    const out = await readStream(
      await reader(),
      { type: 'FETCH', recordId, author: 2, fromSeq: 1, toSeq: UPDATES },
      { rate: 1024 * KiB },
      (frame: RelayFrame) => {
        if (frame.type === 'RECORDS') received += frame.groups.reduce((n, g) => n + g.envelopes.length, 0);
        return received >= UPDATES ? {} : false;
      },
    );
    console.log(
      `FETCH: ${(out.bytes / KiB).toFixed(0)} KiB in ${out.cursors.length} frames, ${out.ms} ms, send buffer ${BUFFER / KiB} KiB; end ${JSON.stringify(out.end)}`,
    );
    expect(out.end).toBe('done');
    expect(out.bytes).toBeGreaterThan(10 * BUFFER);
    expect(out.envelopes).toEqual(pushed);
  }, 30_000);

  it('streams a MEMBER_GET of a 1,000-device log (1.5x the send buffer) to a reader at 256 KiB/s', async () => {
    const out = await readStream(
      await reader(),
      { type: 'MEMBER_GET', sinceSeq: 0 },
      { rate: 256 * KiB },
      (frame: RelayFrame) => (frame.type === 'MEMBER_ENTRIES' && !frame.more ? {} : false),
    );
    console.log(
      `MEMBER_GET: ${out.envelopes.length} entries, ${(out.bytes / KiB).toFixed(0)} KiB, ${out.ms} ms; end ${JSON.stringify(out.end)}`,
    );
    expect(out.end).toBe('done');
    expect(out.bytes).toBeGreaterThan(BUFFER);
    expect(out.envelopes).toEqual(v.log.entries.map(envelopeKey));
  }, 30_000);
});
