// A relay with one created vault and its first device connected: the starting point of most relay tests.
import { expect } from 'vitest';
import { MembershipLogBuilder } from './membership-log-builder.ts';
import { startTestRelay, type TestRelay } from './relay.ts';
import { createVault, localOrigin, RelayClient } from './relay-client.ts';

export interface VaultRelay {
  relay: TestRelay;
  log: MembershipLogBuilder;
  origin: string;
  /** Device 2's authenticated client. */
  a: RelayClient;
  connect(): Promise<RelayClient>;
  stop(): Promise<void>;
}

export async function startVaultRelay(
  seed: string,
  options: Parameters<typeof startTestRelay>[0] = {},
): Promise<VaultRelay> {
  const log = new MembershipLogBuilder(`${seed}-${Math.random()}`).genesis();
  const relay = await startTestRelay({
    identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
    ...options,
  });
  const origin = localOrigin(relay.port);
  const connect = (): Promise<RelayClient> => RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
  const a = await connect();
  expect((await createVault(a, log, origin)).type).toBe('SESSION');
  return {
    relay,
    log,
    origin,
    a,
    connect,
    stop: async () => {
      a.close();
      await relay.stop();
    },
  };
}
