import type { WebSocket } from 'ws';
import { WIRE_ERRORS, type ErrorFrame, type WireErrorCode } from '#protocol';
import type { Logger } from '../logger.ts';
import type { RelayMetrics } from '../metrics/relay-metrics.ts';

/**
 * Everything one connection sends, and the three ways it ends (close frame, error close, TCP cut). Plain
 * functions only: an accessor in the object literal put every connection's sender in dictionary mode (~0.9 KiB).
 */
export interface SocketSender {
  attach: (ws: WebSocket) => void;
  /** The peer closed: nothing more is sent. */
  markClosed: () => void;
  buffered: () => number;
  send: (data: string | Uint8Array) => void;
  /** An error frame, then the close that §21.1 gives its code (if any). */
  sendError: (code: WireErrorCode, message: string, extra?: Omit<ErrorFrame, 'type' | 'code' | 'message'>) => void;
  close: (code: number, reason: string) => void;
  /**
   * Cuts the TCP connection at once, without a close frame: a reader that does not read would never receive
   * one, and the close handshake would keep its queue pinned for another 30 s.
   */
  cut: (why: string) => void;
  /** Resolves once the send queue is at or below `drainBelow`: true, or false when the socket closed meanwhile. */
  drained: () => Promise<boolean>;
  ping: () => void;
  onPong: (listener: () => void) => void;
}

export function createSocketSender(deps: {
  maxBufferedBytes: number;
  /** The stream budget's queue level (limits/stream-budget.ts) below which streaming answers send again. */
  drainBelow: number;
  logger: Logger;
  metrics?: Pick<RelayMetrics, 'sent' | 'refused'>;
}): SocketSender {
  let socket: WebSocket | undefined;
  let closed = false;
  const buffered = (): number => socket?.bufferedAmount ?? 0;
  const close = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    socket?.close(code, reason);
  };
  const send = (data: string | Uint8Array): void => {
    if (closed || socket === undefined) return;
    // A reader too slow to drain its queue is cut off (1013) so one client cannot make the relay buffer forever.
    if (buffered() + data.length > deps.maxBufferedBytes) {
      close(1013, 'slow_consumer');
      return;
    }
    socket.send(data);
    deps.metrics?.sent(data);
  };
  return {
    attach: (ws) => {
      socket = ws;
    },
    markClosed: () => {
      closed = true;
    },
    buffered,
    send,
    sendError: (code, message, extra = {}) => {
      deps.metrics?.refused(code);
      send(JSON.stringify({ type: 'error', code, message, ...extra } satisfies ErrorFrame));
      const closeCode = WIRE_ERRORS[code].close;
      if (closeCode !== undefined) close(closeCode, code);
    },
    close,
    cut: (why) => {
      if (closed) return;
      deps.logger.info('socket cut', { why, buffered: buffered() });
      closed = true;
      socket?.terminate();
    },
    drained: async () => {
      // One turn of the event loop every time: a fast reader never fills the queue, and without it a whole
      // catch-up (store reads are synchronous) would run as one task and hold up every other socket and /healthz.
      await new Promise((resolve) => setImmediate(resolve));
      while (!closed && buffered() > deps.drainBelow) await new Promise((r) => setTimeout(r, 5));
      return !closed;
    },
    ping: () => {
      if (!closed) socket?.ping();
    },
    onPong: (listener) => {
      socket?.on('pong', listener);
    },
  };
}
