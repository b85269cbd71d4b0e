import * as v from 'valibot';
import type { WSContext, WSEvents } from 'hono/ws';
import { ClientFrame, PROTOCOL_VERSION, type RelayFrame, type WireErrorCode } from '#protocol';
import type { Logger } from './logger.ts';

/** Largest handshake text frame we parse; anything bigger is refused before JSON.parse. */
const MAX_TEXT_FRAME = 4096;

export interface SocketRegistry {
  add(ws: WSContext): void;
  delete(ws: WSContext): void;
}

function send(ws: WSContext, frame: RelayFrame): void {
  ws.send(JSON.stringify(frame));
}

function refuse(ws: WSContext, code: WireErrorCode, message: string): void {
  send(ws, { type: 'error', code, message });
}

/**
 * Handlers of one `/sync` connection. The skeleton knows only the `hello` handshake; every other frame
 * is refused with an error frame, never with a crash or a silent drop.
 */
export function syncSocketEvents(deps: { sockets: SocketRegistry; logger: Logger }): WSEvents {
  return {
    onOpen: (_event, ws) => {
      deps.sockets.add(ws);
    },
    onMessage: (event, ws) => {
      const data: unknown = event.data;
      if (typeof data !== 'string') {
        refuse(ws, 'unknown_frame', 'binary frames need a completed handshake');
        return;
      }
      if (data.length > MAX_TEXT_FRAME) {
        refuse(ws, 'frame_too_large', `text frames are limited to ${MAX_TEXT_FRAME} characters`);
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        refuse(ws, 'bad_frame', 'frame is not valid JSON');
        return;
      }
      const parsed = v.safeParse(ClientFrame, json);
      if (!parsed.success) {
        const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
        refuse(ws, type === 'hello' ? 'bad_frame' : 'unknown_frame', 'frame does not match any known frame');
        return;
      }
      const frame = parsed.output;
      if (!frame.versions.includes(PROTOCOL_VERSION)) {
        refuse(ws, 'unsupported_version', `this relay speaks version ${PROTOCOL_VERSION}`);
        return;
      }
      send(ws, { type: 'welcome', version: PROTOCOL_VERSION });
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
