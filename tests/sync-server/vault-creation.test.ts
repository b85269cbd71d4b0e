// Issue 12 item 3 (security.md case 22, disk): who may create vaults, the index snapshot cap at creation, every
// stored byte in the quota, and the free-disk watermark. Before issue 12, 110 vaults in 20 s from one address grew
// the database by 420 MiB (one 3.9 MiB index snapshot reused), and membership entries and wraps were not counted.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexId, ready, shardId, shardPrefix, toHex } from '#crypto';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import {
  createVault,
  localOrigin,
  RelayClient,
  snapshotEnvelope,
  updateEnvelope,
  type Reply,
} from '#tests/helpers/relay-client';
import { bundleRelay } from './relay-process-harness.ts';
import { startRelayFor } from './sync-stream-reader.ts';

const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);
const MiB = 1024 * 1024;

describe('vault creation and stored bytes (issue 12 item 3)', () => {
  let relay: TestRelay | undefined;
  beforeAll(async () => {
    await ready();
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('a creation flood from one address stores little: the index cap and the per-address cap (real relay)', async () => {
    const first = new MembershipLogBuilder(`flood-${Date.now()}`).genesis();
    const proc = await startRelayFor(await bundleRelay(), first);
    const dbBytes = (): number =>
      ['relay.sqlite', 'relay.sqlite-wal']
        .map((f) => path.join(proc.dataDir, f))
        .filter((f) => fs.existsSync(f))
        .reduce((n, f) => n + fs.statSync(f).size, 0);
    try {
      const before = dbBytes();
      const answers: string[] = [];
      // Every vault needs its own genesis, hence its own relay key pin: the builders share the first's relay key.
      for (let i = 0; i < 20; i++) {
        const log = i === 0 ? first : new MembershipLogBuilder(`flood-${Date.now()}-${i}`, first.relay).genesis();
        const origin = localOrigin(proc.port);
        const client = await RelayClient.connect(`ws://127.0.0.1:${proc.port}/sync`, log.relay.sigPk, origin);
        // Half of them reuse a 3.9 MiB index snapshot, as the attack did; the rest are honest-sized.
        const padding = i % 2 === 0 ? Math.round(3.9 * MiB) : undefined;
        answers.push(
          code(await createVault(client, log, origin, padding === undefined ? {} : { indexPadding: padding })),
        );
        client.close();
      }
      const stored = dbBytes() - before;
      const created = answers.filter((a) => a === 'SESSION').length;
      console.log(
        `creation flood, 20 attempts from one address: ${created} vaults created, answers ${JSON.stringify(
          Object.fromEntries([...new Set(answers)].map((a) => [a, answers.filter((x) => x === a).length])),
        )}, database grew ${(stored / MiB).toFixed(2)} MiB`,
      );
      expect(created).toBe(5); // VAULTS_PER_ADDRESS_PER_DAY
      expect(answers.filter((a) => a === 'too_large')).toHaveLength(10);
      expect(answers.filter((a) => a === 'rate_limited')).toHaveLength(5);
      expect(stored).toBeLessThan(2 * MiB);
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 120_000);

  it('closed and invite-only creation: vault_creation_refused without the right invitation', async () => {
    const log = new MembershipLogBuilder(`invite-${Math.random()}`).genesis();
    const identity = { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk };
    relay = await startTestRelay({ identity, vaultCreation: { mode: 'closed', inviteToken: undefined } });
    const origin = localOrigin(relay.port);
    const closed = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(closed, log, origin))).toBe('vault_creation_refused');
    await relay.stop();
    relay = await startTestRelay({
      identity,
      vaultCreation: { mode: 'invite', inviteToken: 'a-long-invitation-token' },
    });
    const origin2 = localOrigin(relay.port);
    const wrong = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin2, {
      invite: 'a-long-invitation-tokeN',
    });
    expect(code(await createVault(wrong, log, origin2))).toBe('vault_creation_refused');
    const none = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin2);
    expect(code(await createVault(none, log, origin2))).toBe('vault_creation_refused');
    const right = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin2, {
      invite: 'a-long-invitation-token',
    });
    expect(code(await createVault(right, log, origin2))).toBe('SESSION');
  });

  it('counts membership entries against the vault quota (quota_exceeded)', async () => {
    const log = new MembershipLogBuilder(`quota-${Math.random()}`).genesis();
    relay = await startTestRelay({
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
      limits: { vaultQuotaBytes: 3000 },
    });
    const origin = localOrigin(relay.port);
    const a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
    let from = log.entries.length;
    log.addDevice(2, 0);
    const one = await a.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(from), wraps: [], keyboxes: [] });
    expect(code(one)).toBe('ACK');
    from = log.entries.length;
    for (let i = 0; i < 30; i++) log.addDevice(2, 0);
    const many = log.entries.slice(from);
    const bytes = many.reduce((n, e) => n + e.length, 0);
    const refused = await a.request({ type: 'MEMBER_APPEND', entries: many, wraps: [], keyboxes: [] });
    console.log(`quota 3000 bytes: one device-add ACK, then 30 more (${bytes} bytes): ${code(refused)}`);
    expect(code(refused)).toBe('quota_exceeded');
  });

  it('refuses writes below the free-disk watermark with disk_full and serves them again once space is back', async () => {
    const log = new MembershipLogBuilder(`disk-${Math.random()}`).genesis();
    let free = 10 * 1024 * MiB;
    let now = Date.now();
    relay = await startTestRelay({
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
      clock: { now: () => now },
      freeDiskBytes: () => Promise.resolve(free),
    });
    const origin = localOrigin(relay.port);
    const a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
    const record = log.recordIds(1)[0] ?? new Uint8Array(16);
    expect(
      code(await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 1)] })),
    ).toBe('ACK');
    free = 100 * MiB; // below the default 1 GiB watermark
    now += 3000;
    expect(
      code(await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 2)] })),
    ).toBe('disk_full');
    const other = new MembershipLogBuilder(`disk-other-${Math.random()}`, log.relay).genesis();
    const b = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(b, other, origin))).toBe('disk_full');
    // Reads are still served.
    expect((await a.sync(0, false)).at(-1)?.type).toBe('SYNC_DONE');
    free = 5 * 1024 * MiB;
    now += 3000;
    expect(
      code(await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 2)] })),
    ).toBe('ACK');
  });

  it('VAULT_CREATE stores the index root; shards follow as ordinary snapshots', async () => {
    const log = new MembershipLogBuilder(`shards-${Math.random()}`).genesis();
    relay = await startTestRelay({ identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk } });
    const origin = localOrigin(relay.port);
    const a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
    const root = indexId(log.vaultId);
    const shard = shardId(shardPrefix(log.vaultId), 2, 0);
    const stored = async (scope: Uint8Array[]): Promise<[string, number][]> =>
      (await a.sync(0, false, scope)).flatMap((f) =>
        f.type === 'RECORDS' ? f.groups.map((g): [string, number] => [toHex(g.recordId), g.envelopes.length]) : [],
      );
    // Creation stored the root's snapshot and nothing else.
    expect(await stored([])).toEqual([[toHex(root), 1]]);
    // The device's first shard, uploaded afterwards under its quota like any record's first snapshot.
    const snapshot = snapshotEnvelope(log, 2, shard, []);
    expect(await a.request({ type: 'SNAPSHOT_PUT', recordId: shard, baseRv: 0, snapshot })).toEqual({
      type: 'ACK',
      value: 2,
    });
    expect(await stored([root])).toEqual([
      [toHex(root), 1],
      [toHex(shard), 1],
    ]);
    // And it is an ordinary record from then on: a second first snapshot is refused.
    const again = snapshotEnvelope(log, 2, shard, [], log.state.epoch, new Uint8Array([0, 1]));
    expect(code(await a.request({ type: 'SNAPSHOT_PUT', recordId: shard, baseRv: 0, snapshot: again }))).toBe(
      'stale_base',
    );
    a.close();
  });
});
