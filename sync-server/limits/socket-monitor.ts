import type { RelayLimits } from './relay-limits.ts';

/** What the relay-wide sweep calls on every open socket, about once a second. */
export interface SocketMonitor {
  /** Cuts the socket if its send queue made no progress for the stall timeout, or it missed a ping. */
  tick(now: number): void;
  /** The socket answered a ping. */
  pong(): void;
}

/**
 * Watches one socket for the two ways a client pins relay memory without sending anything: a send queue that
 * does not shrink (a reader that stopped reading, security.md case 21) and a peer that is gone without a FIN
 * (no pong). Both end in `cut`; time comes from the sweep, so tests can use a short timeout.
 */
export function createSocketMonitor(options: {
  now: number;
  limits: Pick<RelayLimits, 'stallTimeoutMs' | 'pingIntervalMs'>;
  buffered: () => number;
  ping: () => void;
  cut: (why: 'slow_consumer' | 'no_pong') => void;
}): SocketMonitor {
  let lastBuffered = 0;
  let progressAt = options.now;
  let pingedAt = options.now;
  let awaitingPong = false;
  return {
    tick: (now) => {
      const queued = options.buffered();
      // Progress = the queue emptied or shrank since the last tick (the reader took bytes).
      if (queued === 0 || queued < lastBuffered) progressAt = now;
      lastBuffered = queued;
      if (queued > 0 && now - progressAt >= options.limits.stallTimeoutMs) {
        options.cut('slow_consumer');
        return;
      }
      if (now - pingedAt < options.limits.pingIntervalMs) return;
      if (awaitingPong) {
        options.cut('no_pong');
        return;
      }
      awaitingPong = true;
      pingedAt = now;
      options.ping();
    },
    pong: () => {
      awaitingPong = false;
    },
  };
}
