// Issue 12 item 5: a vault larger than the send buffer must reach a slow honest reader whole, and a reader cut
// mid-way must resume from its cursor losing nothing and getting nothing twice (PROTOCOL.md §13.4). The real
// relay process, a vault of 3x MAX_BUFFERED_BYTES + 1 MiB (4 MiB buffer, 13 MiB vault; CARNET_LONG=1: the
// default 8 MiB buffer and a 64 MiB vault), read at 2 MiB/s. Before issue 12 the relay queued the whole catch-up
// at once and closed the reader with 1013 after MAX_BUFFERED_BYTES, and every catch-up frame said rv 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready, toHex } from '#crypto';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { createVault, localOrigin, RelayClient, updateEnvelope } from '#tests/helpers/relay-client';
import { bundleRelay, type RelayProcess } from './relay-process-harness.ts';
import { deviceSession, envelopeKey, readSync, startRelayFor } from './sync-stream-reader.ts';

const LONG = process.env.CARNET_LONG === '1';
const MiB = 1024 * 1024;
const BUFFER = LONG ? 8 * MiB : 4 * MiB;
const VAULT_BYTES = LONG ? 64 * MiB : 3 * BUFFER + MiB;
const UPDATE_BYTES = 200 * 1024;
const RATE = 2 * MiB;

describe('a vault larger than the send buffer (issue 12 item 5)', () => {
  let relay: RelayProcess | undefined;
  let log: MembershipLogBuilder;
  const stored = new Set<string>();
  let lastRv = 0;

  beforeAll(async () => {
    await ready();
    log = new MembershipLogBuilder(`big-vault-${Date.now()}`).genesis();
    // A frame limit under the buffer (config.ts: MAX_BUFFERED_BYTES >= MAX_FRAME_BYTES + 1 MiB); updates are small.
    relay = await startRelayFor(await bundleRelay(), log, {
      MAX_BUFFERED_BYTES: String(BUFFER),
      MAX_FRAME_BYTES: String(BUFFER - MiB),
    });
    const origin = localOrigin(relay.port);
    const writer = await RelayClient.connect(`ws://127.0.0.1:${relay.port}/sync`, log.relay.sigPk, origin);
    expect((await createVault(writer, log, origin)).type).toBe('SESSION');
    // Updates of 200 KiB over 16 records, 8 to a PUSH, records interleaved so each record's envelopes are
    // spread over the whole rv range.
    const records = log.recordIds(16);
    const count = Math.ceil(VAULT_BYTES / UPDATE_BYTES);
    const seqs = new Map<string, number>();
    const body = filler(UPDATE_BYTES);
    for (let i = 0; i < count; i += 8) {
      const recordId = records[(i / 8) % records.length] ?? new Uint8Array(16);
      const updates = Array.from({ length: Math.min(8, count - i) }, () => {
        const seq = (seqs.get(toHex(recordId)) ?? 0) + 1;
        seqs.set(toHex(recordId), seq);
        return updateEnvelope(log, 2, recordId, seq, body);
      });
      const ack = await writer.request({ type: 'PUSH', recordId, updates });
      if (ack.type !== 'ACK') throw new Error(`PUSH refused: ${JSON.stringify(ack)}`);
      lastRv = ack.value;
      for (const u of updates) stored.add(envelopeKey(u));
    }
    writer.close();
  }, 120_000);

  afterAll(() => {
    relay?.child.kill('SIGKILL');
  });

  it('syncs a vault of 3x MAX_BUFFERED_BYTES from scratch to a reader throttled to 2 MiB/s, writers unblocked', async () => {
    if (relay === undefined) throw new Error('no relay');
    const reader = await deviceSession(relay.port, log);
    const reading = readSync(reader, 0, { rate: RATE });
    // A writer is not held up by the slow reader: its PUSH is acknowledged at once and reaches the reader too.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const writer = await deviceSession(relay.port, log);
    const late = log.recordIds(1)[0] ?? new Uint8Array(16);
    const lateUpdate = updateEnvelope(log, 2, late, 1);
    const pushedAt = Date.now();
    const ack = await writer.request({ type: 'PUSH', recordId: late, updates: [lateUpdate] });
    const ackMs = Date.now() - pushedAt;
    const out = await reading;
    console.log(
      `big vault: ${(out.bytes / MiB).toFixed(1)} MiB in ${out.envelopes.length} envelopes, ${out.cursors.length} frames, ` +
        `${(out.ms / 1000).toFixed(1)} s at ${(out.bytes / MiB / (out.ms / 1000)).toFixed(2)} MiB/s (MAX_BUFFERED_BYTES ${BUFFER / MiB} MiB); ` +
        `a PUSH during it was acknowledged in ${ackMs} ms; end: ${JSON.stringify(out.end)}`,
    );
    expect(out.end).toBe('done');
    expect(out.bytes).toBeGreaterThanOrEqual(3 * BUFFER);
    expect(ack.type).toBe('ACK');
    expect(ackMs).toBeLessThan(1000);
    const received = new Set(out.envelopes);
    for (const key of stored) expect(received.has(key)).toBe(true);
    expect(received.has(envelopeKey(lateUpdate))).toBe(true);
    expect(received.size).toBe(out.envelopes.length); // nothing twice
    writer.close();
    reader.close();
  }, 120_000);

  it('resumes a catch-up cut mid-way from the last cursor: nothing lost, nothing at or below it again', async () => {
    if (relay === undefined) throw new Error('no relay');
    const first = await deviceSession(relay.port, log);
    const cut = await readSync(first, 0, { cutAfter: VAULT_BYTES / 2 });
    expect(cut.end).toBe('cut');
    const cursor = cut.cursors.at(-1) ?? 0;
    const second = await deviceSession(relay.port, log);
    const rest = await readSync(second, cursor);
    const before = new Set(cut.envelopes);
    const repeated = rest.envelopes.filter((key) => before.has(key));
    const all = new Set([...cut.envelopes, ...rest.envelopes]);
    console.log(
      `resume: cut after ${(cut.bytes / MiB).toFixed(1)} MiB (${cut.envelopes.length} envelopes) at cursor ${cursor} of ${lastRv}+; ` +
        `resumed with ${rest.envelopes.length} more in ${rest.ms} ms; repeated ${repeated.length}; missing ${[...stored].filter((k) => !all.has(k)).length}`,
    );
    expect(rest.end).toBe('done');
    expect(cursor).toBeGreaterThan(0);
    expect(cursor).toBeLessThan(lastRv);
    expect(repeated).toEqual([]);
    for (const key of stored) expect(all.has(key)).toBe(true);
    for (const rv of rest.cursors) expect(rv).toBeGreaterThan(cursor);
    second.close();
  }, 120_000);
});

/** Incompressible-looking filler of `n` bytes (updates are never compressed anyway). */
function filler(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 2654435761) >>> 24;
  return out;
}
