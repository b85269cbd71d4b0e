import type { RelayLimits } from './relay-limits.ts';

/** The socket a monitor watches: its send queue, a ping, and the cut. */
export interface MonitoredSocket {
  buffered(): number;
  ping(): void;
  cut(why: 'slow_consumer' | 'no_pong'): void;
}

/**
 * Watches one socket for the two ways a client pins relay memory without sending anything: a send queue that
 * does not shrink (a reader that stopped reading, security.md case 21) and a peer that is gone without a FIN
 * (no pong). Both end in `cut`. Time comes from the relay-wide sweep (about once a second), so tests can use a
 * short timeout; a class, so an idle connection pays for its fields only.
 */
export class SocketMonitor {
  #lastBuffered = 0;
  #progressAt: number;
  #pingedAt: number;
  #awaitingPong = false;

  constructor(
    now: number,
    private readonly limits: Pick<RelayLimits, 'stallTimeoutMs' | 'pingIntervalMs'>,
    private readonly socket: MonitoredSocket,
  ) {
    this.#progressAt = now;
    this.#pingedAt = now;
  }

  /** Cuts the socket if its send queue made no progress for the stall timeout, or it missed a ping. */
  tick(now: number): void {
    const queued = this.socket.buffered();
    // Progress = the queue emptied or shrank since the last tick (the reader took bytes).
    if (queued === 0 || queued < this.#lastBuffered) this.#progressAt = now;
    this.#lastBuffered = queued;
    if (queued > 0 && now - this.#progressAt >= this.limits.stallTimeoutMs) {
      this.socket.cut('slow_consumer');
      return;
    }
    if (now - this.#pingedAt < this.limits.pingIntervalMs) return;
    if (this.#awaitingPong) {
      this.socket.cut('no_pong');
      return;
    }
    this.#awaitingPong = true;
    this.#pingedAt = now;
    this.socket.ping();
  }

  /** The socket answered a ping. */
  pong(): void {
    this.#awaitingPong = false;
  }
}
