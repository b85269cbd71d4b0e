import type { WebSocket } from 'ws';
import { WIRE_ERRORS, type ErrorFrame, type WireErrorCode } from '#protocol';
import type { Logger } from '../logger.ts';
import type { RelayMetrics } from '../metrics/relay-metrics.ts';

export interface SenderOptions {
  maxBufferedBytes: number;
  /** The stream budget's queue level (limits/stream-budget.ts) below which streaming answers send again. */
  drainBelow: number;
  logger: Logger;
  metrics?: Pick<RelayMetrics, 'sent' | 'refused'>;
}

/**
 * Everything one connection sends, and the three ways it ends (close frame, error close, TCP cut). A class
 * whose options are shared by every connection: an idle connection pays for two fields, not a dozen closures.
 */
export class SocketSender {
  #socket: WebSocket | undefined;
  #closed = false;

  constructor(private readonly options: SenderOptions) {}

  attach(ws: WebSocket): void {
    this.#socket = ws;
  }

  /** The peer closed: nothing more is sent. */
  markClosed(): void {
    this.#closed = true;
  }

  buffered(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  send(data: string | Uint8Array): void {
    if (this.#closed || this.#socket === undefined) return;
    // A reader too slow to drain its queue is cut off (1013) so one client cannot make the relay buffer forever.
    if (this.buffered() + data.length > this.options.maxBufferedBytes) {
      this.close(1013, 'slow_consumer');
      return;
    }
    this.#socket.send(data);
    this.options.metrics?.sent(data);
  }

  /** An error frame, then the close that §21.1 gives its code (if any). */
  sendError(code: WireErrorCode, message: string, extra: Omit<ErrorFrame, 'type' | 'code' | 'message'> = {}): void {
    this.options.metrics?.refused(code);
    this.send(JSON.stringify({ type: 'error', code, message, ...extra } satisfies ErrorFrame));
    const closeCode = WIRE_ERRORS[code].close;
    if (closeCode !== undefined) this.close(closeCode, code);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket?.close(code, reason);
  }

  /**
   * Cuts the TCP connection at once, without a close frame: a reader that does not read would never receive
   * one, and the close handshake would keep its queue pinned for another 30 s.
   */
  cut(why: string): void {
    if (this.#closed) return;
    this.options.logger.info('socket cut', { why, buffered: this.buffered() });
    this.#closed = true;
    this.#socket?.terminate();
  }

  /** Resolves once the send queue is at or below `drainBelow`: true, or false when the socket closed meanwhile. */
  async drained(): Promise<boolean> {
    // One turn of the event loop every time: a fast reader never fills the queue, and without it a whole
    // catch-up (store reads are synchronous) would run as one task and hold up every other socket and /healthz.
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.#closed && this.buffered() > this.options.drainBelow) await new Promise((r) => setTimeout(r, 5));
    return !this.#closed;
  }

  ping(): void {
    if (!this.#closed) this.#socket?.ping();
  }
}
