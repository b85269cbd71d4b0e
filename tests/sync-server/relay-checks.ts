// The checks behind issue 7's durability and access guarantees, as functions: the real tests call them against
// a sound relay and expect them to hold; faults.test.ts calls the same functions against a relay with each
// injected fault switched on and expects them to fail. A check never throws for a failed guarantee: it returns
// { ok, detail } so both callers can assert on the outcome.
import { spawn } from 'node:child_process';
import { ready } from '#crypto';
import type { RelayFrame } from '#protocol';
import type { HubSession, VaultHandle } from '#sync-server/hub/vault-hub';
import { createUploadLedger } from '#sync-server/hub/upload-ledger';
import { createVaultLock } from '#sync-server/hub/vault-lock';
import { fanOut } from '#sync-server/session/record-access';
import type { RelayFaults } from '#sync-server/session/session-context';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay } from '#tests/helpers/relay';
import {
  authenticate,
  createVault,
  localOrigin,
  RelayClient,
  updateEnvelope,
  type Reply,
  rotationWraps,
} from '#tests/helpers/relay-client';

export interface CheckResult {
  ok: boolean;
  detail: string;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Holds the calling thread for `ms` (the relay's event loop with it): a slow fsync, made visible. */
function busyWait(ms: number): void {
  const until = now() + ms;
  while (now() < until) {
    /* spin */
  }
}

/**
 * ACK after commit: the store probe holds the relay inside every `commitEnvelopes` for `holdMs` after the
 * transaction committed; a client in another process records when each ACK arrives. Every ACK must arrive after
 * its commit returned: an ACK written before the commit reaches the client while the relay is still held.
 */
export async function checkAckAfterCommit(faults: RelayFaults = {}, pushes = 3, holdMs = 150): Promise<CheckResult> {
  await ready();
  const seed = `ack-order-${Math.random()}`;
  const log = new MembershipLogBuilder(seed).genesis();
  const commits: { start: number; end: number }[] = [];
  const relay = await startTestRelay({
    identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
    faults,
    probe: {
      afterCommit: (what) => {
        if (what !== 'commitEnvelopes') return;
        const start = now();
        busyWait(holdMs);
        commits.push({ start, end: now() });
      },
    },
  });
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tests/sync-server/ack-order-client.ts',
        relay.wsUrl,
        String(relay.port),
        seed,
        String(pushes),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`ack-order client failed (${code}): ${err}`);
    const { acks } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { acks: { rv: number; at: number }[] };
    if (acks.length !== pushes || commits.length !== pushes)
      return { ok: false, detail: `expected ${pushes} acks and commits, got ${acks.length} and ${commits.length}` };
    const lines: string[] = [];
    let ok = true;
    acks.forEach((ack, i) => {
      const commit = commits[i];
      if (commit === undefined) return;
      const lead = ack.at - commit.end;
      lines.push(`push ${i + 1}: commit returned, ACK rv ${ack.rv} arrived ${lead.toFixed(1)} ms later`);
      if (lead < 0) ok = false;
    });
    return { ok, detail: lines.join('; ') };
  } finally {
    await relay.stop();
  }
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Broadcast re-checks rights (security.md case 9): device C syncs live, device 2 removes it (rotation), then
 * pushes three updates under the new epoch. C must receive 0 bytes of ciphertext pushed after its removal was
 * acknowledged; counted at the byte level (any binary frame other than the session-ends notice).
 */
export async function checkBroadcastRechecksRights(faults: RelayFaults = {}): Promise<CheckResult> {
  await ready();
  const log = new MembershipLogBuilder(`broadcast-${Math.random()}`).genesis();
  const relay = await startTestRelay({ identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk }, faults });
  const origin = localOrigin(relay.port);
  const connect = (): Promise<RelayClient> => RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
  try {
    const a = await connect();
    if ((await createVault(a, log, origin)).type !== 'SESSION') throw new Error('vault not created');
    const first = log.entries.length;
    const c = log.addDevice(2, 0);
    await a.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps: [], keyboxes: [] });
    const clientC = await connect();
    if ((await authenticate(clientC, log, origin, c)).type !== 'SESSION') throw new Error('C not authenticated');
    await clientC.sync(0, true);
    const record = new Uint8Array(16).fill(9);
    // C is live: it receives a push made before its removal (proves the subscription works).
    const before = clientC.pushes.length;
    await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 1)] });
    await settle(50);
    const liveBefore = clientC.pushes.slice(before).filter((f) => f.type === 'RECORDS').length;

    let ciphertextBytes = 0;
    let removed = false;
    clientC.ws.on('message', (data: Buffer, isBinary: boolean) => {
      // RECORDS frames carry ciphertext; the NOTICE that ends the session does not.
      if (removed && isBinary && data.length > 16) ciphertextBytes += data.length;
    });
    const head = log.entries.length;
    log.removeDevice(2, c);
    const removal: Reply = await a.request({
      type: 'MEMBER_APPEND',
      entries: log.entries.slice(head),
      wraps: rotationWraps(log, 2),
      keyboxes: [],
    });
    if (removal.type !== 'ACK') throw new Error(`removal refused: ${JSON.stringify(removal)}`);
    removed = true;
    for (const seq of [2, 3, 4]) {
      await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, seq)] });
    }
    await settle(100);
    const after = clientC.pushes.filter((f: RelayFrame) => f.type === 'RECORDS').length - liveBefore;
    a.close();
    clientC.close();
    const detail = `C live before removal: ${liveBefore} RECORDS; after removal: ${ciphertextBytes} bytes of ciphertext (${after} RECORDS frames in total)`;
    return { ok: liveBefore === 1 && ciphertextBytes === 0, detail };
  } finally {
    await relay.stop();
  }
}

/**
 * No sequence gap: after seq 1, a PUSH of seq 3 must be refused (bad_sequence, expected 2) and store nothing.
 */
export async function checkNoSequenceGap(faults: RelayFaults = {}): Promise<CheckResult> {
  await ready();
  const log = new MembershipLogBuilder(`gap-${Math.random()}`).genesis();
  const relay = await startTestRelay({ identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk }, faults });
  const origin = localOrigin(relay.port);
  try {
    const a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    if ((await createVault(a, log, origin)).type !== 'SESSION') throw new Error('vault not created');
    const record = new Uint8Array(16).fill(5);
    const one = await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 1)] });
    const gap = await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 3)] });
    const frames = await a.sync(0, false);
    const stored = frames
      .flatMap((f) => (f.type === 'RECORDS' ? f.groups : []))
      .filter((g) => Buffer.from(g.recordId).equals(Buffer.from(record)));
    const envelopes = stored.reduce((n, g) => n + g.envelopes.length, 0);
    a.close();
    const refused = gap.type === 'error' && gap.code === 'bad_sequence' && gap.expected === 2;
    return {
      ok: one.type === 'ACK' && refused && envelopes === 1,
      detail: `seq 1 -> ${one.type}; seq 3 -> ${gap.type === 'error' ? `${gap.code} (expected ${String(gap.expected)})` : gap.type}; envelopes stored for the record: ${envelopes}`,
    };
  } finally {
    await relay.stop();
  }
}

/**
 * The broadcast re-check alone, at the function the relay calls (record-access.ts fanOut): a vault whose log
 * removed device C while C's session is still registered and live (the window a removal's close can leave).
 * fanOut must not send to C and must end it; with the check skipped it sends.
 */
export async function checkFanOutRechecksRights(skipCheck: boolean): Promise<CheckResult> {
  await ready();
  const log = new MembershipLogBuilder(`fanout-${Math.random()}`).genesis();
  const c = log.addDevice(2, 0);
  log.removeDevice(2, c);
  const record = new Uint8Array(16).fill(4);
  const sent: number[] = [];
  const ended: number[] = [];
  const session = (principal: number): HubSession => ({
    principal,
    subscriptions: undefined,
    live: true,
    send: () => sent.push(principal),
    end: () => ended.push(principal),
  });
  const author = session(2);
  const removed = session(c);
  const vault: VaultHandle = {
    vaultId: log.vaultId,
    lock: createVaultLock(),
    membership: log.state,
    rv: 1,
    usedBytes: 0,
    records: new Map(),
    sessions: new Set([author, removed]),
    uploads: createUploadLedger(0),
  };
  fanOut(vault, author, record, new Uint8Array(64), { skipCheck });
  return {
    ok: !sent.includes(c) && ended.includes(c),
    detail: `frames sent to the removed device: ${sent.filter((p) => p === c).length}; ended: ${ended.includes(c)}`,
  };
}
