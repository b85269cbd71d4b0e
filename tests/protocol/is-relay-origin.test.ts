import { describe, expect, it } from 'vitest';
import { isRelayOrigin } from '#protocol';

describe(isRelayOrigin.name, () => {
  it.each([
    'https://carnet.example',
    'https://relay.carnet.example:8443',
    'https://xn--caf-dma.example',
    'http://localhost',
    'http://localhost:8787',
    'http://relay.localhost:8787',
    'http://127.0.0.1:4187',
    'http://127.8.9.10',
    'http://[::1]:8787',
    `https://${'a'.repeat(247)}`, // 255 bytes, the genesis field's limit
  ])('accepts %s', (origin) => {
    expect(isRelayOrigin(origin)).toBe(true);
  });

  it.each([
    ['plain http off the loopback', 'http://carnet.example'],
    ['plain http on a LAN address', 'http://192.168.1.10:8787'],
    ['a path', 'https://carnet.example/app'],
    ['a trailing slash', 'https://carnet.example/'],
    ['a query', 'https://carnet.example?x=1'],
    ['a fragment', 'https://carnet.example#x'],
    ['credentials', 'https://user:pw@carnet.example'],
    ['upper case', 'https://Carnet.example'],
    ['the default port written out', 'https://carnet.example:443'],
    ['a non-ASCII host (not punycode)', 'https://café.example'],
    ['a WebSocket scheme', 'wss://carnet.example'],
    ['a script', 'javascript:alert(1)'],
    ['no scheme', 'carnet.example'],
    ['spaces', ' https://carnet.example'],
    ['the empty string', ''],
    ['more than 255 bytes', `https://${'a'.repeat(248)}`],
    ['a number', 443],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_, origin) => {
    expect(isRelayOrigin(origin)).toBe(false);
  });
});
