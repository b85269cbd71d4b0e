import * as v from 'valibot';
import type { WSContext, WSEvents } from 'hono/ws';
import { ClientFrame, PROTOCOL_VERSION, type RelayFrame, type WireErrorCode } from '#protocol';
import type { Clock } from './clock.ts';
import { createTokenBucket } from './limits/token-bucket.ts';
import type { RelayLimits } from './limits/relay-limits.ts';
import type { Logger } from './logger.ts';

/** Largest handshake text frame we parse; anything bigger is refused before JSON.parse. */
const MAX_TEXT_FRAME = 4096;

export interface SocketRegistry {
  add(ws: WSContext): void;
  delete(ws: WSContext): void;
}

/** Refusals in a row after which a flooding connection is closed (1008) instead of answered again. */
const MAX_RATE_REFUSALS = 50;

export interface SocketDeps {
  sockets: SocketRegistry;
  logger: Logger;
  clock: Clock;
  limits: Pick<RelayLimits, 'messagesPerSecond' | 'messageBurst' | 'maxBufferedBytes'>;
  /** False when the client's address opened too many connections this minute. */
  admitted: boolean;
}

/**
 * Sends unless the reader is too slow: a socket whose queue is over the limit is closed (1013, try again
 * later) so one stalled client cannot make the relay buffer without bound.
 */
function sendBounded(ws: WSContext, data: string, maxBufferedBytes: number): void {
  const raw = ws.raw as { bufferedAmount?: number } | undefined;
  if ((raw?.bufferedAmount ?? 0) + data.length > maxBufferedBytes) {
    ws.close(1013, 'slow_consumer');
    return;
  }
  ws.send(data);
}

function frameSender(ws: WSContext, maxBufferedBytes: number) {
  const send = (frame: RelayFrame): void => {
    sendBounded(ws, JSON.stringify(frame), maxBufferedBytes);
  };
  const refuse = (code: WireErrorCode, message: string): void => {
    send({ type: 'error', code, message });
  };
  return { send, refuse };
}

/**
 * Handlers of one `/sync` connection. The skeleton knows only the `hello` handshake; every other frame
 * is refused with an error frame, never with a crash or a silent drop.
 */
export function syncSocketEvents(deps: SocketDeps): WSEvents {
  const bucket = createTokenBucket({
    perSecond: deps.limits.messagesPerSecond,
    burst: deps.limits.messageBurst,
    clock: deps.clock,
  });
  let refusedInRow = 0;
  return {
    onOpen: (_event, ws) => {
      if (!deps.admitted) {
        frameSender(ws, deps.limits.maxBufferedBytes).refuse(
          'too_many_connections',
          'too many connections from this address; wait a minute',
        );
        ws.close(1008, 'too_many_connections');
        return;
      }
      deps.sockets.add(ws);
    },
    onMessage: (event, ws) => {
      const { send, refuse } = frameSender(ws, deps.limits.maxBufferedBytes);
      if (!bucket.take()) {
        if (++refusedInRow > MAX_RATE_REFUSALS) ws.close(1008, 'rate_limited');
        else refuse('rate_limited', 'too many messages; slow down');
        return;
      }
      refusedInRow = 0;
      const data: unknown = event.data;
      if (typeof data !== 'string') {
        refuse('unknown_frame', 'binary frames need a completed handshake');
        return;
      }
      if (data.length > MAX_TEXT_FRAME) {
        refuse('frame_too_large', `text frames are limited to ${MAX_TEXT_FRAME} characters`);
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        refuse('bad_frame', 'frame is not valid JSON');
        return;
      }
      const parsed = v.safeParse(ClientFrame, json);
      if (!parsed.success) {
        const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
        refuse(type === 'hello' ? 'bad_frame' : 'unknown_frame', 'frame does not match any known frame');
        return;
      }
      const frame = parsed.output;
      if (!frame.versions.includes(PROTOCOL_VERSION)) {
        refuse('unsupported_version', `this relay speaks version ${PROTOCOL_VERSION}`);
        return;
      }
      send({ type: 'welcome', version: PROTOCOL_VERSION });
    },
    onClose: (_event, ws) => {
      deps.sockets.delete(ws);
    },
    onError: (event, ws) => {
      deps.logger.warn('socket error', { event: event.type });
      deps.sockets.delete(ws);
    },
  };
}
