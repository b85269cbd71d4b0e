// Issue 12, item 7: the relay's in-memory vault and record caches are bounded (VAULT_CACHE_SIZE,
// RECORD_CACHE_SIZE), least recently used first, and a vault dropped from memory is served exactly as before
// from the store. On a16b06f both caches grew with every vault and record ever touched (40,000 records:
// +44 MiB, never released).
import { afterEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { LruMap } from '#sync-server/hub/lru-map';
import { initialState } from '#protocol';
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
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

describe('bounded caches (issue 12 item 7)', () => {
  let relay: TestRelay | undefined;
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('an LRU map drops the least recently used entry it may, and keeps the ones it may not', () => {
    const map = new LruMap<string, number>(2, (v) => v !== 0);
    map.set('pinned', 0);
    map.set('a', 1);
    map.set('b', 2); // over: 'pinned' may not go, 'a' goes
    expect([map.get('pinned'), map.get('a'), map.get('b')]).toEqual([0, undefined, 2]);
    map.get('pinned');
    map.set('c', 3); // 'b' is now the oldest evictable
    expect([map.get('b'), map.get('c'), map.size]).toEqual([undefined, 3, 2]);
  });

  it('keeps at most VAULT_CACHE_SIZE idle vaults and RECORD_CACHE_SIZE records each, serving evicted ones from the store', async () => {
    let offset = 0;
    const shared = new MembershipLogBuilder(`cache-relay-${Math.random()}`).relay;
    relay = await startTestRelay({
      identity: { publicKey: shared.sigPk, secretKey: shared.sigSk },
      limits: { vaultCacheSize: 2, recordCacheSize: 3 },
      clock: { now: () => Date.now() + offset },
    });
    const r = relay;
    const origin = localOrigin(r.port);
    const connect = () => RelayClient.connect(r.wsUrl, shared.sigPk, origin);
    /** A vault builder pinned to this relay's key (a builder draws its own otherwise). */
    const vaultLog = (i: number): MembershipLogBuilder => {
      const log = new MembershipLogBuilder(`cache-${i}-${Math.random()}`);
      Object.defineProperty(log, 'relay', { value: shared });
      log.state = initialState({ vaultId: log.vaultId, pinnedRelayPk: shared.sigPk });
      return log.genesis();
    };
    const logs = [0, 1, 2, 3].map(vaultLog);
    const records = logs[0]?.recordIds(10) ?? [];
    for (const log of logs) {
      const client = await connect();
      expect(code(await createVault(client, log, origin))).toBe('SESSION');
      for (const recordId of records) {
        const reply = await client.request({ type: 'PUSH', recordId, updates: [updateEnvelope(log, 2, recordId, 1)] });
        expect(code(reply)).toBe('ACK');
      }
      client.close();
      await client.closed;
      await new Promise((resolve) => setTimeout(resolve, 50)); // the relay sees the close
      offset += 2000; // past the hub's "just asked for" guard
    }
    const cached = r.relay.cached();
    console.log(`caches after 4 vaults of 10 records: ${cached.vaults} vaults, ${cached.records} record states`);
    expect(cached.vaults).toBeLessThanOrEqual(2);
    expect(cached.records).toBeLessThanOrEqual(2 * 3);

    // The first vault left memory long ago: served from the store as if it had never left.
    const first = logs[0];
    if (first === undefined) throw new Error('no vault');
    const again = await connect();
    expect(code(await authenticate(again, first, origin, 2))).toBe('SESSION');
    const recordId = records[0] ?? new Uint8Array(16);
    const stale = await again.request({ type: 'PUSH', recordId, updates: [updateEnvelope(first, 2, recordId, 1)] });
    expect(stale).toMatchObject({ type: 'error', code: 'bad_sequence', expected: 2 }); // seq 1 is taken
    const gap = await again.request({ type: 'PUSH', recordId, updates: [updateEnvelope(first, 2, recordId, 3)] });
    expect(gap).toMatchObject({ type: 'error', code: 'bad_sequence', expected: 2 });
    const next = await again.request({ type: 'PUSH', recordId, updates: [updateEnvelope(first, 2, recordId, 2)] });
    expect(code(next)).toBe('ACK');
    again.close();
  });
});
