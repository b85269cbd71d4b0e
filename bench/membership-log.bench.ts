/**
 * What a long membership log costs the relay (issue 12, finding 2): a 10,000-entry log appended to a real
 * relay (in this process, over a real socket, SQLite in a temporary folder) in appends of MAX_MEMBER_ENTRIES,
 * then the vault reloaded after a restart, with the longest event-loop block of each phase. The baseline is
 * a16b06f's algorithm in the same run: the log validated entry by entry (a state copy per entry), against one
 * MembershipBatch; the ratio is baseline / now.
 *
 * Usage: npm run bench -- membership-log [entries]   (default 10000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ready } from '#crypto';
import { validateEntry, validateLog, type MembershipState } from '#protocol';
import { DEFAULT_LIMITS } from '#sync-server/limits/relay-limits';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { longMembershipLog } from '#tests/helpers/long-membership-log';
import { startTestRelay } from '#tests/helpers/relay';
import { authenticate, createVault, localOrigin, RelayClient } from '#tests/helpers/relay-client';

const ENTRIES = Number(process.argv[2] ?? 10_000);
await ready();

const log = new MembershipLogBuilder('membership-log-bench').genesis();
const entries = longMembershipLog(log, ENTRIES - 1, Math.min(ENTRIES, DEFAULT_LIMITS.maxPrincipals - 10));

const timed = <T>(run: () => T): [T, number] => {
  const start = performance.now();
  const out = run();
  return [out, performance.now() - start];
};
const [batch, batchMs] = timed(() => validateLog(log.state, entries));
const [, foldMs] = timed(() => {
  let state: MembershipState = log.state;
  for (const bytes of entries) {
    const step = validateEntry(state, bytes);
    if (!step.ok) throw new Error(step.code);
    state = step.state;
  }
  return state;
});
if (!batch.ok) throw new Error(batch.code);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-bench-members-'));
const identity = { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk };
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
let relay = await startTestRelay({ identity, dataDir });
let origin = localOrigin(relay.port);
const client = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
await createVault(client, log, origin);
const per = DEFAULT_LIMITS.maxMemberEntries;
histogram.reset();
const appendStart = performance.now();
for (let at = 0; at < entries.length; at += per) {
  const reply = await client.request({
    type: 'MEMBER_APPEND',
    entries: entries.slice(at, at + per),
    wraps: [],
    keyboxes: [],
  });
  if (reply.type !== 'ACK') throw new Error(`append refused: ${JSON.stringify(reply)}`);
}
const appendMs = performance.now() - appendStart;
const appendBlock = histogram.max / 1e6;
client.close();
await relay.relay.close();

relay = await startTestRelay({ identity, dataDir });
origin = localOrigin(relay.port);
const again = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
histogram.reset();
const loadStart = performance.now();
const session = await authenticate(again, log, origin, 2);
const loadMs = performance.now() - loadStart;
const loadBlock = histogram.max / 1e6;
again.close();
await relay.stop();
if (session.type !== 'SESSION') throw new Error('reload failed');

const f = (ms: number): string => `${ms.toFixed(0)} ms`;
console.log(`membership log of ${ENTRIES} entries (${batch.state.principals.length} principals)`);
console.log(`  validate, one batch (now):             ${f(batchMs)}`);
console.log(`  validate, entry by entry (a16b06f):    ${f(foldMs)}   ratio ${(foldMs / batchMs).toFixed(1)}x`);
console.log(`  relay: append in frames of ${per}:       ${f(appendMs)}, longest event-loop block ${f(appendBlock)}`);
console.log(`  relay: restart, AUTH loads the vault:  ${f(loadMs)}, longest event-loop block ${f(loadBlock)}`);
