import WebSocket from 'ws';

/** A small promise-based WebSocket client over `ws` (Node 20 has no global WebSocket). */
export interface TestSocket {
  ws: WebSocket;
  /** Sends a frame and resolves with the next frame the relay sends back, parsed as JSON. */
  request(data: string | Uint8Array): Promise<unknown>;
  next(): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function openTestSocket(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const inbox: unknown[] = [];
  const waiters: ((frame: unknown) => void)[] = [];
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    const frame: unknown = isBinary
      ? data
      : JSON.parse(
          Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
        );
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else inbox.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  const next = (): Promise<unknown> =>
    inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiters.push(resolve));
  return {
    ws,
    next,
    closed,
    request: (data) => {
      ws.send(data);
      return next();
    },
  };
}

/** A valid `hello` text frame (PROTOCOL.md §11.2) with a fresh 32-byte nonce. */
export function helloFrame(versions: number[] = [1]): string {
  const nonce = Buffer.from(Array.from({ length: 32 }, () => Math.floor(Math.random() * 256))).toString('base64url');
  return JSON.stringify({ type: 'hello', versions, nonce });
}
