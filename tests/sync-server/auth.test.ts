import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { authenticate, createVault, type Reply } from '#tests/helpers/relay-client';
import { startVaultRelay, type VaultRelay } from '#tests/helpers/relay-vault';

await ready();
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

describe('relay authentication (PROTOCOL.md §11.3)', () => {
  let v: VaultRelay;
  beforeEach(async () => {
    v = await startVaultRelay('auth');
  });
  afterEach(async () => {
    await v.stop();
  });

  it('refuses a reused challenge or a stale timestamp', async () => {
    const late = await v.connect();
    expect(code(await authenticate(late, v.log, v.origin, 2, BigInt(Date.now() - 10 * 60_000)))).toBe('auth_expired');
    // A failed VAULT_CREATE spends the challenge: the same challenge cannot authenticate afterwards.
    const reuse = await v.connect();
    expect(code(await createVault(reuse, v.log, v.origin))).toBe('vault_exists');
    expect(code(await authenticate(reuse, v.log, v.origin, 2))).toBe('auth_expired');
    // A fresh connection with a fresh challenge works.
    const fresh = await v.connect();
    expect(code(await authenticate(fresh, v.log, v.origin, 2))).toBe('SESSION');
    fresh.close();
  });

  it('refuses a signature made for another origin', async () => {
    const client = await v.connect();
    expect(code(await authenticate(client, v.log, 'https://another-relay.example', 2))).toBe('auth_failed');
    expect((await client.closed).code).toBe(1008);
  });
});
