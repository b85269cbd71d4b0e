import { DEFAULT_LIMITS } from '#sync-server/limits/relay-limits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { PROTOCOL_VERSION, RelayWellKnown } from '#protocol';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import { helloFrame, openTestSocket } from '#tests/helpers/ws-client';

describe('relay skeleton over a real socket', () => {
  let sut: TestRelay;
  beforeAll(async () => {
    sut = await startTestRelay({ clock: { now: () => 1_700_000_000_000 } });
  });
  afterAll(async () => {
    await sut.stop();
  });

  it('answers GET /healthz with the store, the protocol version and the injected clock', async () => {
    const response = await fetch(`${sut.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.json()).toEqual({
      status: 'ok',
      protocol: PROTOCOL_VERSION,
      store: 'sqlite',
      time: 1_700_000_000_000,
    });
  });

  it('answers a hello frame with its protocol version', async () => {
    const socket = await openTestSocket(sut.wsUrl);
    const welcome = (await socket.request(helloFrame())) as Record<string, unknown>;
    expect(welcome).toMatchObject({ type: 'welcome', version: PROTOCOL_VERSION });
    expect(welcome.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(welcome.sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    socket.ws.close();
  });

  it('refuses a hello for versions it does not speak', async () => {
    const socket = await openTestSocket(sut.wsUrl);
    expect(await socket.request(helloFrame([PROTOCOL_VERSION + 1]))).toMatchObject({
      type: 'error',
      code: 'unsupported_version',
    });
    socket.ws.close();
  });

  it.each([
    ['an unknown frame type', JSON.stringify({ type: 'subscribe', record: 'x' }), 'unknown_frame'],
    ['a malformed hello', JSON.stringify({ type: 'hello', versions: 'one' }), 'bad_frame'],
    ['text that is not JSON', '{"type":', 'bad_frame'],
    ['a JSON array', '[1,2,3]', 'unknown_frame'],
    ['a binary frame before any handshake', new Uint8Array([1, 2, 3]), 'handshake_required'],
  ])('answers %s with an error frame, and the connection stays usable', async (_label, frame, code) => {
    const socket = await openTestSocket(sut.wsUrl);
    const reply = await socket.request(frame);
    expect(reply).toMatchObject({ type: 'error', code });
    expect(typeof (reply as { message: unknown }).message).toBe('string');
    // The relay is still there for a good frame on the same socket.
    expect(await socket.request(helloFrame())).toMatchObject({
      type: 'welcome',
    });
    socket.ws.close();
  });

  it('closes the connection after an oversized text frame (frame_too_large, 1009)', async () => {
    const socket = await openTestSocket(sut.wsUrl);
    expect(await socket.request('x'.repeat(5000))).toMatchObject({ type: 'error', code: 'frame_too_large' });
    expect((await socket.closed).code).toBe(1009);
  });

  it('publishes its signing key and origin at /.well-known/carnet-relay.json', async () => {
    const response = await fetch(`${sut.httpUrl}/.well-known/carnet-relay.json`);
    const body: unknown = await response.json();
    expect(v.is(RelayWellKnown, body)).toBe(true);
    expect(body).toEqual({
      v: 1,
      origin: `http://localhost:${sut.port}`,
      signingKey: Buffer.from(sut.identity.publicKey).toString('base64url'),
      protocols: [PROTOCOL_VERSION],
      maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
    });
  });

  it('refuses a plain GET on /sync that is not a WebSocket upgrade', async () => {
    const response = await fetch(`${sut.httpUrl}/sync`);
    expect(response.status).toBe(426);
  });

  it('closes open sockets with 1001 when the relay closes', async () => {
    const own = await startTestRelay();
    const socket = await openTestSocket(own.wsUrl);
    await socket.request(helloFrame());
    expect(own.relay.socketCount()).toBe(1);
    await own.stop();
    expect((await socket.closed).code).toBe(1001);
  });
});
