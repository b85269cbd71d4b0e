import { parseConfig, HELP } from './config.ts';
import { systemClock } from './clock.ts';
import { createLogger } from './logger.ts';
import { createRelay } from './create-relay.ts';
import { openStore } from './store/open-store.ts';
import { loadRelayIdentity } from './relay-identity.ts';
import { statfsFreeBytes } from './limits/disk-watermark.ts';
import { ready } from '#crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The relay process: config, store, relay, and an orderly stop on SIGTERM or SIGINT (within 5 s). */
async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), process.env, process.cwd());
  if (parsed.kind === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`carnet relay: ${parsed.message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const logger = createLogger({ level: config.logLevel });
  await ready();
  const identity = loadRelayIdentity(config.dataDir);
  const store = await openStore(config);
  const relay = createRelay({
    store,
    clock: systemClock,
    config,
    logger,
    identity,
    freeDiskBytes: statfsFreeBytes(config.dataDir),
  });
  const { port } = await relay.listen(config.port, config.host);
  logger.info('relay listening', {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    store: store.kind,
    dataDir: store.kind === 'sqlite' ? config.dataDir : undefined,
  });

  if (process.env.CARNET_DEBUG_LOOP_DELAY === '1') watchLoopDelay(logger);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal, sockets: relay.socketCount() });
    const force = setTimeout(() => {
      logger.error('forced exit after 5 s');
      process.exit(1);
    }, 4500);
    force.unref();
    relay.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('stop failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Tests only (CARNET_DEBUG_LOOP_DELAY=1): logs the longest event-loop block of each half second, so a test
 * can prove that no client's work holds the relay up (issue 12). Never enabled by configuration.
 */
function watchLoopDelay(logger: ReturnType<typeof createLogger>): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  setInterval(() => {
    logger.info('loop delay', { maxMs: Math.round(histogram.max / 1e6) });
    histogram.reset();
  }, 500).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`carnet relay: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
