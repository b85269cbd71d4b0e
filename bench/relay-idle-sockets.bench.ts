/**
 * What one idle WebSocket costs in relay memory, the relay (a `ws` server on the upgrade event) against a bare `ws`
 * server and the y-websocket server (@y/websocket-server 0.1.5 as its own server.js sets it up), measured in the
 * same run. Each server runs in its own child process so their
 * heaps do not mix; the client sockets live in this process. The servers run from an esbuild bundle of this
 * file under plain Node, as `npm start` runs the relay (scripts/start.mjs), not through tsx.
 *
 * Usage: npm run bench -- relay-idle-sockets [count]   (default 5000 sockets; 3 runs, the median ratios printed)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const COUNT = Number(process.argv[2] ?? 5000);
const self = fileURLToPath(import.meta.url);

interface Sample {
  rss: number;
  heapUsed: number;
  external: number;
}

const RUNS = 3;
/** Issue 17: at most 1.25x a bare `ws` server per idle socket (RSS, median of 3 runs after GC). */
const TARGET_RATIO = 1.25;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

type Kind = 'hono' | 'ws' | 'yws';

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] === 'hono' ? 'hono' : process.argv[3] === 'yws' ? 'yws' : 'ws');
} else {
  await main();
}

async function serve(kind: Kind): Promise<void> {
  let port: number;
  if (kind === 'hono') {
    const { createRelay } = await import('#sync-server/create-relay');
    const { openSqliteStore } = await import('#sync-server/store/sqlite-store');
    const { createLogger } = await import('#sync-server/logger');
    const { DEFAULT_LIMITS } = await import('#sync-server/limits/relay-limits');
    const { ephemeralRelayIdentity } = await import('#sync-server/relay-identity');
    const { ready } = await import('#crypto');
    await ready();
    const relay = createRelay({
      store: openSqliteStore(':memory:'),
      clock: { now: () => Date.now() },
      config: {
        appDir: undefined,
        publicOrigin: undefined,
        // Caps raised for the count measured (one client address): the sockets must stay open to be measured.
        limits: {
          ...DEFAULT_LIMITS,
          connectionsPerMinute: 1e9,
          maxSocketsPerAddress: COUNT + 10,
          maxSockets: COUNT + 10,
          authTimeoutMs: 3_600_000,
        },
      },
      logger: createLogger({ level: 'error' }),
      identity: ephemeralRelayIdentity(),
    });
    ({ port } = await relay.listen(0, '127.0.0.1'));
  } else if (kind === 'yws') {
    port = await serveYWebsocket();
  } else {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/sync' });
    await new Promise((resolve) => wss.once('listening', resolve));
    port = (wss.address() as { port: number }).port;
    wss.on('connection', (ws) => ws.on('message', () => undefined));
  }
  process.on('message', (message) => {
    if (message === 'sample') {
      globalThis.gc?.();
      globalThis.gc?.();
      const m = process.memoryUsage();
      process.send?.({ rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers });
    }
  });
  process.send?.({ port });
}

/**
 * The y-websocket server as its own `src/server.js` sets it up (its `ws`, noServer, `setupWSConnection` on
 * upgrade), in this process so it can be sampled. Every client opens the same document (`/sync`).
 */
async function serveYWebsocket(): Promise<number> {
  const { setupWSConnection } = (await import('@y/websocket-server/utils')) as {
    setupWSConnection: (conn: unknown, request: unknown) => void;
  };
  // The `ws` the package depends on (6.x), not this project's.
  const requireFromPackage = createRequire(import.meta.resolve('@y/websocket-server/package.json'));
  const YWebSocket = requireFromPackage('ws') as {
    Server: new (options: { noServer: boolean }) => {
      on(event: 'connection', listener: (ws: unknown, request: unknown) => void): void;
      emit(event: 'connection', ws: unknown, request: unknown): void;
      handleUpgrade(request: unknown, socket: unknown, head: unknown, done: (ws: unknown) => void): void;
    };
  };
  const wss = new YWebSocket.Server({ noServer: true });
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('okay');
  });
  wss.on('connection', setupWSConnection);
  server.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit('connection', ws, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function ask<T>(child: ChildProcess, message?: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message !== undefined) child.send(message);
  });
}

/** This file bundled as `npm start` bundles the relay (packages external, names not kept). */
async function bundleSelf(): Promise<{ file: string; remove: () => void }> {
  const { build } = await import('esbuild');
  // Inside the project, so the bundle's external packages resolve from its node_modules.
  const cache = path.join(path.dirname(self), '..', 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, 'carnet-idle-bench-'));
  const file = path.join(dir, 'bench.mjs');
  await build({
    entryPoints: [self],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: file,
    logLevel: 'warning',
  });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function measure(kind: Kind, bundle: string): Promise<{ perSocket: number; heapPerSocket: number }> {
  const child = fork(bundle, ['--serve', kind], { execArgv: ['--expose-gc'] });
  const { port } = await ask<{ port: number }>(child);
  await new Promise((r) => setTimeout(r, 300));
  const before = await ask<Sample>(child, 'sample');
  const sockets: WebSocket[] = [];
  for (let i = 0; i < COUNT; i += 100) {
    const batch = Array.from({ length: Math.min(100, COUNT - i) }, () => new WebSocket(`ws://127.0.0.1:${port}/sync`));
    await Promise.all(
      batch.map((ws) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))),
    );
    sockets.push(...batch);
  }
  await new Promise((r) => setTimeout(r, 500));
  const after = await ask<Sample>(child, 'sample');
  const open = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  if (open !== COUNT) throw new Error(`${kind}: ${COUNT - open} of ${COUNT} sockets were closed by the server`);
  for (const ws of sockets) ws.terminate();
  child.kill();
  return {
    perSocket: (after.rss - before.rss) / COUNT,
    heapPerSocket: (after.heapUsed + after.external - before.heapUsed - before.external) / COUNT,
  };
}

async function main(): Promise<void> {
  console.log(`idle WebSockets: ${COUNT} per server, ${RUNS} runs each, Node ${process.version}`);
  const bundle = await bundleSelf();
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  const ratios: number[] = [];
  const ywsRatios: number[] = [];
  const relayRss: number[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      // The three servers alternate, so a drift of the machine touches all of them.
      const baseline = await measure('ws', bundle.file);
      const yws = await measure('yws', bundle.file);
      const relay = await measure('hono', bundle.file);
      ratios.push(relay.perSocket / baseline.perSocket);
      ywsRatios.push(relay.perSocket / yws.perSocket);
      relayRss.push(relay.perSocket);
      console.log(
        `run ${run}: rss/socket (heap+external) bare ws ${kb(baseline.perSocket)} (${kb(baseline.heapPerSocket)}), ` +
          `y-websocket server ${kb(yws.perSocket)} (${kb(yws.heapPerSocket)}), relay ${kb(relay.perSocket)} ` +
          `(${kb(relay.heapPerSocket)}); relay / bare ws ${(relay.perSocket / baseline.perSocket).toFixed(2)}, ` +
          `relay / y-websocket ${(relay.perSocket / yws.perSocket).toFixed(2)}`,
      );
    }
  } finally {
    bundle.remove();
  }
  const ratio = median(ratios);
  console.log(
    `median ratio relay/baseline (rss): ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'missed'})`,
  );
  const ywsRatio = median(ywsRatios);
  console.log(
    `median ratio relay/y-websocket server (rss): ${ywsRatio.toFixed(2)} (target <= 1: ${ywsRatio <= 1 ? 'met' : 'missed'})`,
  );
  console.log(`projected for 10,000 idle sockets: ${((median(relayRss) * 10_000) / 1024 / 1024).toFixed(0)} MiB rss`);
}
