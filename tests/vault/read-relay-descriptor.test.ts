import { describe, expect, it } from 'vitest';
import { readRelayDescriptor } from '#vault';

const KEY_HEX = '3f'.repeat(32);
const KEY_B64URL = Buffer.from(KEY_HEX, 'hex').toString('base64url');
const WIRE = { v: 1, origin: 'https://carnet.example', signingKey: KEY_B64URL, protocols: [1], maxFrameBytes: 1 };

describe(readRelayDescriptor.name, () => {
  it('reads the relay’s descriptor: base64url signing key to hex', () => {
    expect(readRelayDescriptor(WIRE)).toEqual({ origin: 'https://carnet.example', publicKeyHex: KEY_HEX });
  });

  it('reads a kept descriptor back', () => {
    expect(readRelayDescriptor({ origin: 'http://127.0.0.1:4187', publicKeyHex: KEY_HEX })).toEqual({
      origin: 'http://127.0.0.1:4187',
      publicKeyHex: KEY_HEX,
    });
  });

  it.each([
    ['no origin', { ...WIRE, origin: undefined }],
    ['an origin with a path', { ...WIRE, origin: 'https://carnet.example/x' }],
    ['plain http off the loopback', { ...WIRE, origin: 'http://carnet.example' }],
    ['a kept descriptor with plain http off the loopback', { origin: 'http://carnet.example', publicKeyHex: KEY_HEX }],
    ['a kept descriptor with an upper-case key', { origin: 'https://carnet.example', publicKeyHex: '3F'.repeat(32) }],
    ['a short key', { ...WIRE, signingKey: 'AAAA' }],
    ['a key that is not base64url', { ...WIRE, signingKey: '*'.repeat(43) }],
    ['not an object', 'relay'],
  ])('refuses %s', (_, value) => {
    expect(readRelayDescriptor(value)).toBeUndefined();
  });
});
