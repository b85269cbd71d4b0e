// Issue 12 (findings 2 and 7): AUTH checks the signature against the stored key before it loads the vault or
// says anything about the principal's status, so a stranger learns nothing about who is active and costs the
// relay one row read. On a16b06f a removed principal's index answered `revoked` to any signature, and an
// all-zero signature after a restart replayed the whole log first.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ready, sign } from '#crypto';
import { createRelay, type Relay } from '#sync-server/create-relay';
import { DEFAULT_LIMITS } from '#sync-server/limits/relay-limits';
import { createMemoryLogger } from '#sync-server/logger';
import { authMessage } from '#sync-server/session/auth-handlers';
import type { RelayStore } from '#sync-server/store/relay-store';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import {
  authenticate,
  createVault,
  localOrigin,
  RelayClient,
  rotationWraps,
  type Reply,
} from '#tests/helpers/relay-client';

await ready();
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** A store that counts the reads that load a vault (its log and its validated state). */
function counting(store: RelayStore): { store: RelayStore; loads: () => number } {
  let loads = 0;
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if ((key === 'membership' || key === 'membershipState') && typeof value === 'function') {
        return (...args: unknown[]) => {
          loads += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
  return { store: wrapped, loads: () => loads };
}

describe('AUTH: the signature first (issue 12)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-auth-order-'));
  let relay: Relay | undefined;
  afterEach(async () => {
    await relay?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (log: MembershipLogBuilder, store: RelayStore) => {
    relay = createRelay({
      store,
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
      clock: { now: () => Date.now() },
      config: { appDir: undefined, publicOrigin: undefined, limits: DEFAULT_LIMITS },
      logger: createMemoryLogger(),
    });
    const { port } = await relay.listen(0, '127.0.0.1');
    const origin = localOrigin(port);
    return { origin, connect: () => RelayClient.connect(`ws://127.0.0.1:${port}/sync`, log.relay.sigPk, origin) };
  };

  it('answers a bad signature the same for a removed, an unknown and an active index, loading nothing', async () => {
    const log = new MembershipLogBuilder('auth-order').genesis();
    const file = path.join(dataDir, 'relay.sqlite');
    let r = await start(log, openSqliteStore(file));
    const a = await r.connect();
    expect(code(await createVault(a, log, r.origin))).toBe('SESSION');
    const first = log.entries.length;
    const removed = log.addDevice(2, 0);
    log.removeDevice(2, removed);
    const wraps = rotationWraps(log, 2);
    const appended = await a.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps, keyboxes: [] });
    expect(code(appended)).toBe('ACK');
    a.close();
    await relay?.close();

    // Restart: a fresh relay over the same file, its store counting the reads that load a vault.
    const counted = counting(openSqliteStore(file));
    r = await start(log, counted.store);
    const stranger = log.identity();
    for (const principal of [removed, 2, 57, 0]) {
      const client = await r.connect();
      const time = BigInt(Date.now());
      const sig = sign(
        stranger.sigSk,
        'carnet/v1/auth',
        authMessage(client.challenge, r.origin, time, log.vaultId, principal),
      );
      const reply = await client.request({ type: 'AUTH', vaultId: log.vaultId, principal, time, sig });
      expect([principal, code(reply)]).toEqual([principal, 'auth_failed']);
      expect((await client.closed).code).toBe(1008);
    }
    expect(counted.loads()).toBe(0);
    // The removed device's own key still learns it was removed; the patient device gets in.
    const own = await r.connect();
    expect(code(await authenticate(own, log, r.origin, removed))).toBe('revoked');
    const patient = await r.connect();
    expect(code(await authenticate(patient, log, r.origin, 2))).toBe('SESSION');
    expect(counted.loads()).toBeGreaterThan(0);
    patient.close();
  });

  it('a vault stored before the validated state was kept is replayed once at start, so no AUTH replays a log', async () => {
    const log = new MembershipLogBuilder('auth-legacy').genesis();
    const file = path.join(dataDir, 'relay.sqlite');
    let r = await start(log, openSqliteStore(file));
    const a = await r.connect();
    expect(code(await createVault(a, log, r.origin))).toBe('SESSION');
    a.close();
    await relay?.close();
    // What a16b06f's relay left: the log, no state, no principal rows.
    const db = new Database(file);
    db.exec('DELETE FROM member_state; DELETE FROM principal_keys;');
    db.close();
    const store = openSqliteStore(file);
    const counted = counting(store);
    r = await start(log, counted.store);
    // The relay loads it on its own at start (backfill-states.ts), before any client asks...
    expect(await relay?.backfilled()).toBe(1);
    expect(await store.membershipState(log.vaultId)).toMatchObject({ seq: 0 });
    const loadsAtStart = counted.loads();
    const bad = await r.connect();
    const zero = {
      type: 'AUTH',
      vaultId: log.vaultId,
      principal: 2,
      time: BigInt(Date.now()),
      sig: new Uint8Array(64),
    } as const;
    // ...so a stranger's all-zero signature is checked against the key row and loads nothing.
    expect(code(await bad.request(zero))).toBe('auth_failed');
    expect(counted.loads()).toBe(loadsAtStart);
    expect(await store.principalKey(log.vaultId, 2)).toMatchObject({ index: 2, active: true });
    const patient = await r.connect();
    expect(code(await authenticate(patient, log, r.origin, 2))).toBe('SESSION');
    patient.close();
  });
});
