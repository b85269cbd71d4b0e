// Issue 12, finding 2: a long membership log must not block the relay. The real relay process, with its own
// event-loop delay monitor (CARNET_DEBUG_LOOP_DELAY=1), takes a 10,000-entry log in appends of the largest
// allowed size, is restarted, refuses an all-zero AUTH signature and reloads the vault: the longest block
// stays under 1 s. On a16b06f the reload alone replayed and re-verified the whole log in one block.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready, toHex } from '#crypto';
import { DEFAULT_LIMITS } from '#sync-server/limits/relay-limits';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { longMembershipLog } from '#tests/helpers/long-membership-log';
import { authenticate, createVault, localOrigin, RelayClient, type Reply } from '#tests/helpers/relay-client';
import { startVaultRelay } from '#tests/helpers/relay-vault';
import { watchHealthz } from './healthz-watch.ts';
import { bundleRelay, startRelayProcess, type RelayProcess } from './relay-process-harness.ts';

await ready();

const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** The longest block the relay logged since line `from`, in ms. */
const longestBlock = (relay: RelayProcess, from = 0): number =>
  Math.max(
    0,
    ...relay.lines
      .slice(from)
      .filter((l) => l.includes('"loop delay"'))
      .map((l) => (JSON.parse(l) as { maxMs: number }).maxMs),
  );

/** Waits (up to 10 s) for a monitor line logged after line `from`: the figure then covers everything before. */
async function nextMonitorLine(relay: RelayProcess, from: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (relay.lines.slice(from).some((l) => l.includes('"loop delay"'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the relay logged no event-loop delay (CARNET_DEBUG_LOOP_DELAY)');
}

describe('membership cost on the real relay process (issue 12)', () => {
  let bundle: string;
  let relay: RelayProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-member-cost-'));

  beforeAll(async () => {
    bundle = await bundleRelay();
  });
  afterAll(() => {
    relay?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes and reloads a 10,000-entry log without blocking the event loop for 1 s', async () => {
    const log = new MembershipLogBuilder('member-cost').genesis();
    const relaySeed = log.seeds.get(toHex(log.relay.sigPk))?.sigSeed;
    if (relaySeed === undefined) throw new Error('no relay seed');
    fs.writeFileSync(path.join(dataDir, 'relay-signing-key'), toHex(relaySeed) + '\n', { mode: 0o600 });
    const env = { CARNET_DEBUG_LOOP_DELAY: '1', LOG_LEVEL: 'info' };
    relay = await startRelayProcess(bundle, dataDir, env);
    const connect = async (port: number): Promise<{ client: RelayClient; origin: string }> => {
      const origin = localOrigin(port);
      return { client: await RelayClient.connect(`ws://127.0.0.1:${port}/sync`, log.relay.sigPk, origin), origin };
    };
    const { client, origin } = await connect(relay.port);
    expect(code(await createVault(client, log, origin))).toBe('SESSION');

    // Genesis + 9,999: device-adds up to the principal cap, then share-updates.
    const per = DEFAULT_LIMITS.maxMemberEntries;
    const entries = longMembershipLog(log, 9999, DEFAULT_LIMITS.maxPrincipals - 10);
    const over = await client.request({
      type: 'MEMBER_APPEND',
      entries: entries.slice(0, per + 1),
      wraps: [],
      keyboxes: [],
    });
    expect(code(over)).toBe('too_many_entries');
    const appendHealth = watchHealthz(relay.port);
    const appendStart = performance.now();
    for (let at = 0; at < entries.length; at += per) {
      const reply = await client.request({
        type: 'MEMBER_APPEND',
        entries: entries.slice(at, at + per),
        wraps: [],
        keyboxes: [],
      });
      expect(reply).toMatchObject({ type: 'ACK', value: Math.min(at + per, entries.length) });
    }
    const appendMs = performance.now() - appendStart;
    const appendHealthz = await appendHealth.stop();
    await nextMonitorLine(relay, relay.lines.length);
    const appendBlock = longestBlock(relay);
    client.close();

    // Restart; a stranger's all-zero signature naming the vault, then the patient device's AUTH loads it.
    relay.child.kill('SIGTERM');
    await relay.exited;
    relay = await startRelayProcess(bundle, dataDir, env);
    const stranger = await connect(relay.port);
    const zero = await stranger.client.request({
      type: 'AUTH',
      vaultId: log.vaultId,
      principal: 2,
      time: BigInt(Date.now()),
      sig: new Uint8Array(64),
    });
    expect(code(zero)).toBe('auth_failed');
    const device = await connect(relay.port);
    const reloadHealth = watchHealthz(relay.port);
    const loadStart = performance.now();
    expect(await authenticate(device.client, log, device.origin, 2)).toMatchObject({ type: 'SESSION', headSeq: 9999 });
    const loadMs = performance.now() - loadStart;
    const reloadHealthz = await reloadHealth.stop();
    const wraps = await device.client.request({ type: 'WRAP_GET', fromEpoch: 0 });
    expect(wraps.type).toBe('WRAPS');
    await nextMonitorLine(relay, relay.lines.length);
    const reloadBlock = longestBlock(relay);
    device.client.close();

    console.log(
      `membership cost: 10,000 entries appended in ${appendMs.toFixed(0)} ms (longest block ${appendBlock} ms, ` +
        `slowest /healthz ${appendHealthz.maxMs} ms of ${appendHealthz.count}); restart + AUTH reload in ` +
        `${loadMs.toFixed(0)} ms (longest block ${reloadBlock} ms, slowest /healthz ${reloadHealthz.maxMs} ms of ${reloadHealthz.count})`,
    );
    expect(Math.max(appendBlock, reloadBlock)).toBeLessThan(1000);
  }, 180_000);

  it('refuses a vault past MAX_PRINCIPALS (too_many_principals), storing nothing of the append', async () => {
    const v = await startVaultRelay('principal-cap', { limits: { maxPrincipals: 6 } });
    const entries = longMembershipLog(v.log, 4, 4); // principals 3..6 -> 7 with the fourth
    const append = (from: number, to: number): Promise<Reply> =>
      v.a.request({ type: 'MEMBER_APPEND', entries: entries.slice(from, to), wraps: [], keyboxes: [] });
    expect(await append(0, 2)).toMatchObject({ type: 'ACK', value: 2 });
    expect(code(await append(2, 4))).toBe('too_many_principals');
    const log = await v.a.request({ type: 'MEMBER_GET', sinceSeq: 0 });
    expect(log.type === 'MEMBER_ENTRIES' && log.entries.length).toBe(3);
    expect(await append(2, 3)).toMatchObject({ type: 'ACK', value: 3 });
    await v.stop();
  });
});
