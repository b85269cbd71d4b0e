// `/sync` on the Node server's `upgrade` event with a bare `ws` server (issue 17, part 3). Hono keeps the HTTP
// routes; a WebSocket no longer goes through a Hono request context and @hono/node-ws's per-socket wrappers
// (about 1 KiB of an idle connection's memory, docs/ARCHITECTURE.md).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from './logger.ts';
import type { SocketEvents } from './sync-socket.ts';

export interface SyncEndpoint {
  /** Serves WebSocket upgrades of `path` on this server; any other upgrade is refused (400). */
  attach(server: Server): void;
  /** Cuts every connection still open, without a close handshake. */
  terminateAll(): void;
}

/** A message's bytes, copied: the frame `ws` hands over may be a view into a larger network read. */
function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data);
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createSyncEndpoint(options: {
  path: string;
  /** `ws` closes a socket whose frame exceeds it with 1009 (message too big) before the relay sees the frame. */
  maxPayload: number;
  /** The handlers of one new connection, given its upgrade request (for the client's address). */
  connect: (request: IncomingMessage) => SocketEvents;
  logger: Logger;
}): SyncEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const connections = new WeakMap<WebSocket, SocketEvents>();
  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== options.path) {
      refuse(socket, '400 Bad Request');
      return;
    }
    // Made here, not in the callback: a closure naming `request` would keep the whole request (headers, streams)
    // alive for as long as the connection lasts.
    const events = options.connect(request);
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Listeners shared by every socket (EventEmitter calls them with the socket as `this`): four closures per
      // connection were a tenth of an idle connection's heap.
      connections.set(ws, events);
      ws.on('message', onMessage);
      ws.on('pong', onPong);
      ws.on('close', onClose);
      ws.on('error', onError);
      events.onOpen(ws);
    });
  };
  const eventsOf = (ws: WebSocket): SocketEvents | undefined => connections.get(ws);
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    eventsOf(this)?.onMessage(isBinary ? bytesOf(data) : textOf(data));
  }
  function onPong(this: WebSocket): void {
    eventsOf(this)?.onPong();
  }
  function onClose(this: WebSocket): void {
    eventsOf(this)?.onClose(this);
    connections.delete(this);
  }
  // The socket closes after an error (and onClose cleans up): it is only logged.
  function onError(this: WebSocket, error: Error): void {
    options.logger.debug('socket error', { error });
  }
  return {
    attach(server) {
      server.on('upgrade', upgrade);
    },
    terminateAll() {
      for (const client of wss.clients) client.terminate();
    },
  };
}
