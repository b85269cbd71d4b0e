// Issue 17, part 2: GET /metrics in Prometheus text, behind METRICS_TOKEN, scraped while clients push.
import { afterEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { CLIENT_FRAME, joinFrame } from '#protocol';
import { parseConfig } from '#sync-server/config';
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
const TOKEN = 'metrics-token-for-the-test-0123456789abcdef';
const RECORD = new Uint8Array(16).fill(5);
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** `name{labels} value` lines of a Prometheus text page, keyed by `name{labels}` as printed. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** GET /metrics with `Bearer token`, or with no Authorization header when `token` is null. */
async function scrape(relay: TestRelay, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${relay.httpUrl}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
}

async function read(relay: TestRelay): Promise<Map<string, number>> {
  const response = await scrape(relay);
  expect(response.status).toBe(200);
  return samples(await response.text());
}

describe('relay metrics', () => {
  let relay: TestRelay | undefined;
  const clients: RelayClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await relay?.stop();
    relay = undefined;
  });

  it('does not exist without METRICS_TOKEN, and refuses a scraper without the right token', async () => {
    relay = await startTestRelay();
    expect((await scrape(relay)).status).toBe(404);
    await relay.stop();
    relay = await startTestRelay({ metricsToken: TOKEN });
    expect((await scrape(relay, null)).status).toBe(401);
    const wrong = await scrape(relay, TOKEN.replace(/.$/, 'x'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await wrong.text()).not.toContain('carnet_relay');
    expect((await scrape(relay, `${TOKEN}extra`)).status).toBe(401);
    const right = await scrape(relay);
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await right.text()).toMatch(/^# HELP carnet_relay_/m);
  });

  it('counts connections, frames and bytes by type, refusals by code, store calls and the fan-out, as they happen', async () => {
    const log = new MembershipLogBuilder(`metrics-${Math.random()}`).genesis();
    relay = await startTestRelay({
      metricsToken: TOKEN,
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
    });
    const origin = localOrigin(relay.port);
    const writer = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    clients.push(writer);
    expect(code(await createVault(writer, log, origin))).toBe('SESSION');
    const first = log.entries.length;
    const device = log.addDevice(2, 0);
    expect(
      code(await writer.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps: [], keyboxes: [] })),
    ).toBe('ACK');
    const reader = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    clients.push(reader);
    expect(code(await authenticate(reader, log, origin, device))).toBe('SESSION');
    await reader.sync(0, true);

    const before = await read(relay);
    expect(before.get('carnet_relay_connections_open')).toBe(2);
    expect(before.get('carnet_relay_connections_total')).toBe(2);
    expect(before.get('carnet_relay_vaults_cached')).toBe(1);
    expect(before.get('carnet_relay_process_resident_memory_bytes')).toBeGreaterThan(0);

    const pushes = 7;
    for (let seq = 1; seq <= pushes; seq++) {
      const reply = await writer.request({
        type: 'PUSH',
        recordId: RECORD,
        updates: [updateEnvelope(log, 2, RECORD, seq, new Uint8Array(100).fill(seq))],
      });
      expect(reply.type).toBe('ACK');
      expect((await reader.nextPush()).type).toBe('RECORDS');
    }
    // A frame the relay cannot read is refused with its code, and counted under it.
    writer.ws.send(joinFrame(CLIENT_FRAME.PUSH, 999, new Uint8Array([0xff])));
    await expect
      .poll(async () => (await read(relay as TestRelay)).get('carnet_relay_refusals_total{code="bad_frame"}'))
      .toBe(1);

    const after = await read(relay);
    const moved = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(moved('carnet_relay_frames_received_total{type="PUSH"}')).toBe(pushes + 1);
    expect(moved('carnet_relay_frame_bytes_received_total{type="PUSH"}')).toBeGreaterThan(pushes * 100);
    expect(moved('carnet_relay_frames_sent_total{type="ACK"}')).toBe(pushes);
    expect(moved('carnet_relay_frames_sent_total{type="RECORDS"}')).toBe(pushes);
    expect(moved('carnet_relay_frame_bytes_sent_total{type="RECORDS"}')).toBeGreaterThan(pushes * 100);
    expect(moved('carnet_relay_frame_seconds_count{type="PUSH"}')).toBe(pushes);
    expect(moved('carnet_relay_store_seconds_count{operation="commitEnvelopes"}')).toBe(pushes);
    expect(after.get('carnet_relay_records_cached')).toBeGreaterThanOrEqual(1);

    // No vault, principal or address appears in any label: frame types and codes only.
    const text = await (await scrape(relay)).text();
    expect(text).not.toContain(Buffer.from(log.vaultId).toString('hex'));
    expect(text).not.toContain('127.0.0.1');

    reader.close();
    await expect.poll(async () => (await read(relay as TestRelay)).get('carnet_relay_connections_open')).toBe(1);
  });

  it('accepts METRICS_TOKEN of 32 to 256 characters without spaces, and says what is wrong otherwise', () => {
    const parsed = (token: string) => parseConfig([], { METRICS_TOKEN: token }, '/tmp');
    expect(parsed(TOKEN)).toMatchObject({ kind: 'config', config: { metricsToken: TOKEN } });
    expect(parseConfig([], {}, '/tmp')).toMatchObject({ kind: 'config', config: { metricsToken: undefined } });
    for (const bad of ['short', 'x'.repeat(257), `${'x'.repeat(31)} y`]) {
      expect(parsed(bad)).toEqual({
        kind: 'error',
        message: 'METRICS_TOKEN must be 32 to 256 characters without spaces',
      });
    }
  });
});
