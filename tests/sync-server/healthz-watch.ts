// security.md case 21: "/healthz answers within 100 ms throughout" the worst frame one client can send. A poller
// for the relay-process tests: it asks /healthz every 20 ms while the test drives the relay, one request at a
// time, and reports the slowest answer. The test process only sends frames built beforehand meanwhile, so what
// it measures is the relay's answer time, not the test's own work.
import http from 'node:http';

export interface HealthzFigures {
  /** Slowest /healthz answer, in ms. */
  maxMs: number;
  /** Answers received. */
  count: number;
  /** Answers other than 200. */
  failures: number;
}

export function watchHealthz(port: number): { stop(): Promise<HealthzFigures> } {
  const figures: HealthzFigures = { maxMs: 0, count: 0, failures: 0 };
  const state = { running: true };
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const started = performance.now();
      const request = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (response) => {
        response.resume();
        response.on('end', () => {
          figures.maxMs = Math.max(figures.maxMs, performance.now() - started);
          figures.count += 1;
          if (response.statusCode !== 200) figures.failures += 1;
          resolve();
        });
      });
      request.on('error', () => {
        figures.failures += 1;
        resolve();
      });
    });
  const loop = (async () => {
    while (state.running) {
      await once();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await loop;
      return { ...figures, maxMs: Math.round(figures.maxMs) };
    },
  };
}
