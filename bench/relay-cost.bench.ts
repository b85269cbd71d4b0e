/**
 * What one client's worst frames cost everyone else (security.md case 21, issue 12): the real relay process,
 * `/healthz` asked every 20 ms from this process while one client sends, in turn, the longest log append
 * (10,000 entries in appends of MAX_MEMBER_ENTRIES up to MAX_PRINCIPALS), the largest snapshot (4 MiB), the
 * deepest catch-up (a 16 MiB vault read from scratch) and, after a restart, the reload of that vault by AUTH.
 * The baseline, in the same run, is `/healthz` on the same relay with nothing else to do; the figure per phase
 * is the slowest answer (target: under 100 ms), and the ratio is slowest / idle slowest.
 *
 * Usage: npm run bench -- relay-cost
 */
import { ready, toHex } from '#crypto';
import { DEFAULT_LIMITS } from '#sync-server/limits/relay-limits';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { longMembershipLog } from '#tests/helpers/long-membership-log';
import { createVault, snapshotEnvelope, updateEnvelope } from '#tests/helpers/relay-client';
import { watchHealthz, type HealthzFigures } from '#tests/sync-server/healthz-watch';
import { bundleRelay, startRelayProcess } from '#tests/sync-server/relay-process-harness';
import { deviceSession, readSync, startRelayFor } from '#tests/sync-server/sync-stream-reader';

const MiB = 1024 * 1024;
await ready();

const log = new MembershipLogBuilder(`relay-cost-${Date.now()}`).genesis();
const bundle = await bundleRelay();
const debugEnv = { CARNET_DEBUG_LOOP_DELAY: '1' };
let relay = await startRelayFor(bundle, log, debugEnv);
const dataDir = relay.dataDir;

// Everything a phase sends is built before its clock starts, so /healthz measures the relay, not this process.
const entries = longMembershipLog(log, 9999, DEFAULT_LIMITS.maxPrincipals - 10);
const records = log.recordIds(8);
const body = new Uint8Array(256 * 1024).fill(7);
const pushes = Array.from({ length: 64 }, (_, i) => {
  const recordId = records[i % records.length] ?? new Uint8Array(16);
  return { recordId, update: updateEnvelope(log, 2, recordId, Math.floor(i / records.length) + 1, body) };
});
const bigRecord = new Uint8Array(16).fill(0xbb);
const snapshot = snapshotEnvelope(log, 2, bigRecord, [], undefined, new Uint8Array(4 * MiB - 4096).fill(3));

/** The relay's own longest event-loop block (its CARNET_DEBUG_LOOP_DELAY lines) logged after line `from`. */
const longestBlock = async (from: number): Promise<number> => {
  const monitored = (): string[] => relay.lines.slice(from).filter((l) => l.includes('"loop delay"'));
  // The monitor logs every 500 ms: wait for the line that covers the end of the phase.
  const seen = monitored().length;
  while (monitored().length <= seen) await new Promise((resolve) => setTimeout(resolve, 50));
  return Math.max(0, ...monitored().map((l) => (JSON.parse(l) as { maxMs: number }).maxMs));
};

const phases: [string, HealthzFigures, number, number][] = [];
const phase = async (name: string, run: () => Promise<void>): Promise<void> => {
  const from = relay.lines.length;
  const watch = watchHealthz(relay.port);
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  const figures = await watch.stop();
  phases.push([name, figures, ms, await longestBlock(from)]);
};

await phase('idle (baseline)', () => new Promise((resolve) => setTimeout(resolve, 3000)));
const writer = await (async () => {
  const { RelayClient, localOrigin } = await import('#tests/helpers/relay-client');
  const origin = localOrigin(relay.port);
  const client = await RelayClient.connect(`ws://127.0.0.1:${relay.port}/sync`, log.relay.sigPk, origin);
  if ((await createVault(client, log, origin)).type !== 'SESSION') throw new Error('create refused');
  return client;
})();
await phase('10,000-entry log, appends of 500', async () => {
  for (let at = 0; at < entries.length; at += DEFAULT_LIMITS.maxMemberEntries) {
    const reply = await writer.request({
      type: 'MEMBER_APPEND',
      entries: entries.slice(at, at + DEFAULT_LIMITS.maxMemberEntries),
      wraps: [],
      keyboxes: [],
    });
    if (reply.type !== 'ACK') throw new Error(`append refused: ${JSON.stringify(reply)}`);
  }
});
await phase('4 MiB snapshot', async () => {
  const reply = await writer.request({ type: 'SNAPSHOT_PUT', recordId: bigRecord, baseRv: 0, snapshot });
  if (reply.type !== 'ACK') throw new Error(`snapshot refused: ${JSON.stringify(reply)}`);
});
for (const p of pushes) {
  const reply = await writer.request({ type: 'PUSH', recordId: p.recordId, updates: [p.update] });
  if (reply.type !== 'ACK') throw new Error(`push refused: ${JSON.stringify(reply)}`);
}
writer.close();
let caughtUp = 0;
await phase('catch-up of a 16 MiB vault from scratch', async () => {
  const reader = await deviceSession(relay.port, log);
  const out = await readSync(reader, 0);
  caughtUp = out.bytes;
  reader.close();
  if (out.end !== 'done') throw new Error(`catch-up ended ${JSON.stringify(out.end)}`);
});
relay.child.kill('SIGTERM');
await relay.exited;
relay = { ...(await startRelayProcess(bundle, dataDir, debugEnv)), dataDir };
await phase('restart, then AUTH reloads the 10,000-entry vault', async () => {
  const reader = await deviceSession(relay.port, log);
  reader.close();
});
relay.child.kill('SIGKILL');

const idle = phases[0]?.[1].maxMs ?? 1;
console.log(`relay cost (vault ${toHex(log.vaultId).slice(0, 8)}, catch-up ${(caughtUp / MiB).toFixed(1)} MiB):`);
for (const [name, f, ms, block] of phases)
  console.log(
    `  ${name.padEnd(52)} ${(ms / 1000).toFixed(1).padStart(5)} s  slowest /healthz ${String(f.maxMs).padStart(4)} ms ` +
      `of ${f.count} (x${(f.maxMs / Math.max(idle, 1)).toFixed(1)} idle), failures ${f.failures}; ` +
      `relay's longest event-loop block ${block} ms`,
  );
const worst = Math.max(...phases.slice(1).map(([, f]) => f.maxMs));
const worstBlock = Math.max(...phases.slice(1).map(([, , , b]) => b));
console.log(
  `slowest /healthz under load: ${worst} ms (target < 100 ms), idle ${idle} ms; ` +
    `the relay's longest block ${worstBlock} ms, idle ${phases[0]?.[3] ?? 0} ms`,
);
