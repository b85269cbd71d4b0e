// Issue 12, item 0: per-address caps count the client behind a trusted proxy, and nobody else can choose the
// address they are counted under. On a16b06f X-Forwarded-For was never read: behind the README's same-host
// proxy every client was 127.0.0.1, so CONNECTIONS_PER_MINUTE was one cap for the whole relay.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#protocol';
import { clientAddress } from '#sync-server/client-address';
import { parseConfig } from '#sync-server/config';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';

/**
 * Opens a socket with an X-Forwarded-For header and says hello: 'open' once the relay welcomes it, else the close
 * code of its refusal. Answers, not a timer, so a loaded machine cannot turn a slow refusal into 'open'.
 */
async function connectAs(url: string, forwardedFor: string): Promise<'open' | number> {
  const ws = new WebSocket(url, { headers: { 'X-Forwarded-For': forwardedFor } });
  return new Promise((resolve) => {
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'hello', versions: [PROTOCOL_VERSION], nonce: 'A'.repeat(43) })),
    );
    ws.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString('utf8')) as { type: string }).type === 'welcome') resolve('open');
    });
    ws.on('close', (code) => resolve(code));
  });
}

describe('client address behind a trusted proxy (issue 12 item 0)', () => {
  let relay: TestRelay | undefined;
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('reads X-Forwarded-For only from a trusted peer, right-most untrusted hop first', () => {
    const proxies = ['127.0.0.1', '::1'];
    expect(clientAddress('127.0.0.1', '203.0.113.7', proxies)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.7', proxies)).toBe('203.0.113.7');
    // The client wrote the left part itself: only the hop the proxy appended counts.
    expect(clientAddress('127.0.0.1', '10.9.9.9, 203.0.113.7', proxies)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', '203.0.113.7, 127.0.0.1', proxies)).toBe('203.0.113.7');
    // Not behind a trusted proxy: the header is the client's word and is ignored.
    expect(clientAddress('198.51.100.2', '203.0.113.7', proxies)).toBe('198.51.100.2');
    expect(clientAddress('127.0.0.1', '203.0.113.7', [])).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', 'not-an-address', proxies)).toBe('127.0.0.1');
  });

  it('takes TRUSTED_PROXIES from the environment and refuses what is not an address', () => {
    const ok = parseConfig([], { TRUSTED_PROXIES: '127.0.0.1, ::1' }, '/');
    expect(ok.kind === 'config' && ok.config.trustedProxies).toEqual(['127.0.0.1', '::1']);
    expect(parseConfig([], { TRUSTED_PROXIES: 'proxy.local' }, '/')).toMatchObject({ kind: 'error' });
  });

  it('counts clients behind a trusted proxy apart, and a client not behind one cannot spoof its address', async () => {
    relay = await startTestRelay({ limits: { connectionsPerMinute: 2 }, trustedProxies: ['127.0.0.1'] });
    const url = relay.wsUrl;
    expect([await connectAs(url, '203.0.113.1'), await connectAs(url, '203.0.113.1')]).toEqual(['open', 'open']);
    expect(await connectAs(url, '203.0.113.1')).toBe(1008);
    expect(await connectAs(url, '203.0.113.2')).toBe('open');
    await relay.stop();

    // The same relay without a trusted proxy: every header names another address, all count as 127.0.0.1.
    relay = await startTestRelay({ limits: { connectionsPerMinute: 2 } });
    const plain = relay.wsUrl;
    const codes = [];
    for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) codes.push(await connectAs(plain, spoofed));
    expect(codes).toEqual(['open', 'open', 1008]);
  });

  // The merge of issue 12's two halves: the sockets-at-once cap (MAX_SOCKETS_PER_ADDRESS) counts the same
  // resolved address as the connection rate; counting the proxy's would cap every client behind it together.
  it('caps sockets open at once per client behind a trusted proxy, not per proxy', async () => {
    relay = await startTestRelay({ limits: { maxSocketsPerAddress: 2 }, trustedProxies: ['127.0.0.1'] });
    const url = relay.wsUrl;
    expect([await connectAs(url, '203.0.113.1'), await connectAs(url, '203.0.113.1')]).toEqual(['open', 'open']);
    expect(await connectAs(url, '203.0.113.1')).toBe(1008);
    expect([await connectAs(url, '203.0.113.2'), await connectAs(url, '203.0.113.2')]).toEqual(['open', 'open']);
  });
});
