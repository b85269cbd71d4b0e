import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import { helloFrame, openTestSocket } from '#tests/helpers/ws-client';

const HELLO = helloFrame();

describe('relay abuse limits over a real socket', () => {
  let sut: TestRelay | undefined;
  afterEach(async () => {
    await sut?.stop();
    sut = undefined;
  });

  it('closes an oversized frame with 1009', async () => {
    sut = await startTestRelay({ limits: { maxFrameBytes: 64 * 1024 } });
    const socket = await openTestSocket(sut.wsUrl);
    socket.ws.send(new Uint8Array(64 * 1024 + 1));
    expect((await socket.closed).code).toBe(1009);
    // A frame exactly at the limit is read (and answered), not closed.
    const ok = await openTestSocket(sut.wsUrl);
    expect(await ok.request(new Uint8Array(64 * 1024))).toMatchObject({ type: 'error', code: 'handshake_required' });
    ok.ws.close();
  });

  it('answers each rate limit with its code', async () => {
    let now = 1_000_000;
    sut = await startTestRelay({ clock: { now: () => now }, limits: { messagesPerSecond: 5, messageBurst: 5 } });
    const socket = await openTestSocket(sut.wsUrl);
    const replies = [];
    for (let i = 0; i < 7; i++) replies.push(await socket.request(HELLO));
    expect(replies.map((r) => (r as { code?: string }).code ?? (r as { type: string }).type)).toEqual([
      'welcome',
      'welcome',
      'welcome',
      'welcome',
      'welcome',
      'rate_limited',
      'rate_limited',
    ]);
    now += 1000;
    expect(await socket.request(HELLO)).toMatchObject({ type: 'welcome' });
    socket.ws.close();
  });

  it('closes a connection that keeps flooding after being told to slow down (1008)', async () => {
    sut = await startTestRelay({ clock: { now: () => 0 }, limits: { messagesPerSecond: 1, messageBurst: 1 } });
    const socket = await openTestSocket(sut.wsUrl);
    for (let i = 0; i < 100; i++) socket.ws.send(HELLO);
    expect((await socket.closed).code).toBe(1008);
  });

  it('refuses connections over the per-address rate with too_many_connections (1008)', async () => {
    sut = await startTestRelay({ clock: { now: () => 0 }, limits: { connectionsPerMinute: 3 } });
    const open = await Promise.all([1, 2, 3].map(() => openTestSocket(sut?.wsUrl ?? '')));
    const extra = await openTestSocket(sut.wsUrl);
    expect(await extra.next()).toMatchObject({ type: 'error', code: 'too_many_connections' });
    expect((await extra.closed).code).toBe(1008);
    for (const socket of open) expect(await socket.request(HELLO)).toMatchObject({ type: 'welcome' });
    for (const socket of open) socket.ws.close();
  });
});
