import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { PROTOCOL_VERSION, RELAY_WELL_KNOWN_PATH, RelayWellKnown } from '#protocol';
import type { Clock } from './clock.ts';
import type { RelayConfig } from './config.ts';
import { sodium } from '#crypto';
import { clientAddress } from './client-address.ts';
import { createAddressLimiter } from './limits/address-limiter.ts';
import { createSocketGate } from './limits/socket-gate.ts';
import { createDiskWatermark } from './limits/disk-watermark.ts';
import { createVaultAdmission } from './limits/vault-admission.ts';
import type { RelayIdentity } from './relay-identity.ts';
import type { RelayFaults } from './session/session-context.ts';
import { backfillMembershipStates } from './hub/backfill-states.ts';
import { createVaultHub } from './hub/vault-hub.ts';
import type { Logger } from './logger.ts';
import { securityHeaders } from './security-headers.ts';
import { createStaticApp } from './static-app.ts';
import type { RelayStore } from './store/relay-store.ts';
import { socketShared, SyncConnection } from './sync-socket.ts';
import { createSyncEndpoint } from './sync-endpoint.ts';
import { createRelayMetrics, type RelayMetrics } from './metrics/relay-metrics.ts';
import { instrumentStore } from './metrics/instrument-store.ts';
import { metricsRoute } from './metrics/metrics-route.ts';

export interface RelayDeps {
  store: RelayStore;
  clock: Clock;
  config: Pick<RelayConfig, 'appDir' | 'publicOrigin' | 'limits'> &
    Partial<Pick<RelayConfig, 'trustedProxies' | 'vaultCreation' | 'metricsToken'>>;
  logger: Logger;
  /** The relay's signing key (PROTOCOL.md §11.1), pinned by vaults at creation. */
  identity: RelayIdentity;
  /** Test-only faults that the suite must catch; never from configuration. */
  faults?: RelayFaults;
  /** Free bytes on the data folder's filesystem (main.ts: fs.statfs); without it no watermark is checked. */
  freeDiskBytes?: () => Promise<number>;
}

export interface Relay {
  readonly app: Hono;
  /** Listens on host:port (0 picks a free port) and resolves once it accepts connections. */
  listen(port: number, host: string): Promise<{ port: number; server: ServerType }>;
  /** Open WebSocket connections, for tests and for the shutdown log line. */
  socketCount(): number;
  /** Vaults and record states held in memory (bounded by VAULT_CACHE_SIZE and RECORD_CACHE_SIZE). */
  cached(): { vaults: number; records: number };
  /** What `/metrics` serves (behind METRICS_TOKEN). */
  readonly metrics: RelayMetrics;
  /** Resolves, with their number, once the vaults stored before membership states were loaded once. */
  backfilled(): Promise<number>;
  /** Closes every socket (1001 "going away"), stops listening, closes the store. */
  close(): Promise<void>;
}

/**
 * Builds one relay: all its state lives in this closure, so tests can run several side by side.
 *
 * @example
 * const relay = createRelay({ store: openSqliteStore(':memory:'), clock: systemClock, config, logger });
 * const { port } = await relay.listen(0, '127.0.0.1');
 */
export function createRelay(deps: RelayDeps): Relay {
  const { clock, config, logger, identity } = deps;
  const sockets = new Map<WebSocket, SyncConnection>();
  const metrics = createRelayMetrics({ sockets: () => sockets.size, cached: () => hub.cached() });
  const store = instrumentStore(deps.store, metrics);
  const hub = createVaultHub({
    store,
    relayPk: identity.publicKey,
    vaultCacheSize: config.limits.vaultCacheSize,
    recordCacheSize: config.limits.recordCacheSize,
    now: () => clock.now(),
  });
  // The origin clients sign in AUTH: the configured public one, else this listener's. Never the Host header,
  // which a forwarding relay controls (a signature made for one relay must not work at another).
  let origin = config.publicOrigin ?? 'http://localhost';
  const app = new Hono();
  const connections = createAddressLimiter({ perMinute: config.limits.connectionsPerMinute, clock });
  const gate = createSocketGate({
    perAddress: config.limits.maxSocketsPerAddress,
    total: config.limits.maxSockets,
  });
  const admission = createVaultAdmission({
    policy: config.vaultCreation ?? { mode: 'open', inviteToken: undefined },
    perAddressPerDay: config.limits.vaultsPerAddressPerDay,
    perDay: config.limits.vaultsPerDay,
    clock,
  });
  const disk = createDiskWatermark({
    minFreeBytes: config.limits.minFreeDiskBytes,
    freeBytes: deps.freeDiskBytes,
    clock,
  });
  // One sweep for every socket (not a timer each): stalled queues and missed pings are cut here.
  const sweep = setInterval(() => {
    const now = clock.now();
    for (const connection of sockets.values()) connection.tick(now);
  }, 1000);
  sweep.unref();
  const staticApp = config.appDir === undefined ? undefined : createStaticApp(config.appDir);
  if (config.appDir !== undefined && staticApp === undefined) {
    logger.warn('no built app found: serving the relay only', { appDir: config.appDir });
  }
  let server: ServerType | undefined;
  let closing = false;
  /** The start-up replay of vaults stored before membership states (backfill-states.ts); awaited at close. */
  let backfill: Promise<number> = Promise.resolve(0);

  app.use(
    '*',
    securityHeaders({
      scriptHashes: staticApp?.scriptHashes ?? [],
      connectOrigins: [],
      hsts: config.publicOrigin?.startsWith('https://') === true,
    }),
  );

  app.get('/healthz', async (c) => {
    const ok = await store.health().catch(() => false);
    return c.json(
      { status: ok ? 'ok' : 'degraded', protocol: PROTOCOL_VERSION, store: store.kind, time: clock.now() },
      ok ? 200 : 503,
      { 'Cache-Control': 'no-store' },
    );
  });

  app.get('/metrics', metricsRoute({ token: config.metricsToken, registry: metrics.registry }));

  const shared = socketShared({
    sockets,
    logger,
    clock,
    limits: config.limits,
    store,
    hub,
    identity,
    origin: () => origin,
    random: (n) => sodium().randombytes_buf(n),
    faults: deps.faults ?? {},
    gate,
    admission,
    disk,
    metrics,
  });
  const endpoint = createSyncEndpoint({
    path: '/sync',
    maxPayload: config.limits.maxFrameBytes,
    logger,
    connect: (request) => {
      // The per-address caps (connections, sockets, vault creation) count the trusted-proxy-resolved address.
      const forwarded = request.headers['x-forwarded-for'];
      const address = clientAddress(
        request.socket.remoteAddress,
        Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
        config.trustedProxies ?? [],
      );
      return new SyncConnection(shared, address, connections.admit(address));
    },
  });
  // A plain GET (no upgrade) reaches Hono; an upgrade goes to the endpoint above.
  app.get('/sync', (c) => c.text('This endpoint speaks WebSocket only.', 426, { Upgrade: 'websocket' }));

  // Parsed with the schema clients read it with, so the relay never publishes a descriptor they would refuse.
  app.get(RELAY_WELL_KNOWN_PATH, (c) =>
    c.json(
      v.parse(RelayWellKnown, {
        v: 1,
        origin,
        signingKey: Buffer.from(identity.publicKey).toString('base64url'),
        protocols: [PROTOCOL_VERSION],
        maxFrameBytes: config.limits.maxFrameBytes,
      } satisfies RelayWellKnown),
      200,
      { 'Cache-Control': 'no-store' },
    ),
  );

  if (staticApp !== undefined) app.get('*', staticApp.handler);

  app.onError((error, c) => {
    logger.error('request failed', { path: c.req.path, error });
    return c.json({ error: 'internal' }, 500);
  });

  return {
    app,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
          if (config.publicOrigin === undefined) origin = `http://localhost:${info.port}`;
          backfill = backfillMembershipStates({ store, hub, logger, stopped: () => closing });
          resolve({ port: info.port, server: s });
        });
        s.once('error', reject);
        endpoint.attach(s as Server);
        server = s;
      }),
    socketCount: () => sockets.size,
    cached: () => hub.cached(),
    metrics,
    backfilled: () => backfill,
    close: async () => {
      closing = true;
      clearInterval(sweep);
      for (const ws of sockets.keys()) ws.close(1001, 'relay shutting down');
      // Sockets that ignore the close handshake are cut after a grace period.
      const grace = setTimeout(() => endpoint.terminateAll(), 1000);
      grace.unref();
      if (server !== undefined) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          if ('closeAllConnections' in s) s.closeAllConnections();
        });
      }
      clearTimeout(grace);
      endpoint.terminateAll();
      await backfill;
      await store.close();
    },
  };
}
