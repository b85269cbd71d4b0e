import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRelay, type Relay } from '#sync-server/create-relay';
import { createMemoryLogger } from '#sync-server/logger';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import type { Clock } from '#sync-server/clock';
import { DEFAULT_LIMITS, type RelayLimits } from '#sync-server/limits/relay-limits';
import { ephemeralRelayIdentity, type RelayIdentity } from '#sync-server/relay-identity';
import type { RelayFaults } from '#sync-server/session/session-context';
import type { VaultCreationPolicy } from '#sync-server/limits/vault-admission';
import type { StoreProbe } from '#sync-server/store/sqlite-store';
import type { RelayStore } from '#sync-server/store/relay-store';
import { ready } from '#crypto';

export interface TestRelay {
  relay: Relay;
  identity: RelayIdentity;
  port: number;
  httpUrl: string;
  wsUrl: string;
  dataDir: string;
  logger: ReturnType<typeof createMemoryLogger>;
  stop(): Promise<void>;
}

/** A real relay on a real socket, over a real SQLite file in a temporary folder (or the store given). */
export async function startTestRelay(
  options: {
    appDir?: string;
    clock?: Clock;
    limits?: Partial<RelayLimits>;
    faults?: RelayFaults;
    probe?: StoreProbe;
    dataDir?: string;
    identity?: RelayIdentity;
    trustedProxies?: string[];
    vaultCreation?: VaultCreationPolicy;
    freeDiskBytes?: () => Promise<number>;
    /** A store of the test's own (PostgreSQL, or one wrapped to hold or jitter calls); else SQLite in `dataDir`. */
    store?: RelayStore;
    metricsToken?: string;
  } = {},
): Promise<TestRelay> {
  await ready();
  const identity = options.identity ?? ephemeralRelayIdentity();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-relay-'));
  const logger = createMemoryLogger();
  const relay = createRelay({
    store: options.store ?? openSqliteStore(path.join(dataDir, 'relay.sqlite'), options.probe),
    identity,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    clock: options.clock ?? { now: () => Date.now() },
    config: {
      appDir: options.appDir,
      publicOrigin: undefined,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      trustedProxies: options.trustedProxies ?? [],
      ...(options.vaultCreation === undefined ? {} : { vaultCreation: options.vaultCreation }),
      ...(options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken }),
    },
    ...(options.freeDiskBytes === undefined ? {} : { freeDiskBytes: options.freeDiskBytes }),
    logger,
  });
  const { port } = await relay.listen(0, '127.0.0.1');
  return {
    relay,
    identity,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    dataDir,
    logger,
    stop: async () => {
      await relay.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
