import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { RelayWellKnown } from '#protocol';

const GOOD = {
  v: 1,
  origin: 'https://carnet.example',
  signingKey: Buffer.alloc(32, 0x3f).toString('base64url'),
  protocols: [1],
  maxFrameBytes: 4_259_840,
};

describe('RelayWellKnown', () => {
  it('reads what the relay publishes (PROTOCOL.md §11.1)', () => {
    expect(v.parse(RelayWellKnown, GOOD)).toEqual(GOOD);
    expect(v.is(RelayWellKnown, { ...GOOD, origin: 'http://localhost:8787', protocols: [1, 2] })).toBe(true);
  });

  it('drops fields it does not know, so a relay may add some within version 1', () => {
    expect(v.parse(RelayWellKnown, { ...GOOD, motd: 'hello', limits: { x: 1 } })).toEqual(GOOD);
  });

  it.each([
    ['another version', { ...GOOD, v: 2 }],
    ['no version', { ...GOOD, v: undefined }],
    ['a version as text', { ...GOOD, v: '1' }],
    ['plain http off the loopback', { ...GOOD, origin: 'http://carnet.example' }],
    ['an origin with a path', { ...GOOD, origin: 'https://carnet.example/x' }],
    ['an origin that is not text', { ...GOOD, origin: 42 }],
    ['no signing key', { ...GOOD, signingKey: undefined }],
    ['a short key', { ...GOOD, signingKey: 'AAAA' }],
    ['a long key', { ...GOOD, signingKey: Buffer.alloc(33).toString('base64url') }],
    ['a padded key', { ...GOOD, signingKey: Buffer.alloc(32).toString('base64') }],
    ['a key with a non-canonical last character', { ...GOOD, signingKey: 'A'.repeat(42) + 'B' }],
    ['a key as bytes', { ...GOOD, signingKey: Array.from({ length: 32 }, () => 0) }],
    ['no protocols', { ...GOOD, protocols: [] }],
    ['a protocol 0', { ...GOOD, protocols: [0] }],
    ['a protocol as text', { ...GOOD, protocols: ['1'] }],
    ['protocols as a number', { ...GOOD, protocols: 1 }],
    ['a frame limit of 0', { ...GOOD, maxFrameBytes: 0 }],
    ['a fractional frame limit', { ...GOOD, maxFrameBytes: 1.5 }],
    ['a frame limit as text', { ...GOOD, maxFrameBytes: '4259840' }],
    ['an array', [GOOD]],
    ['text', JSON.stringify(GOOD)],
    ['null', null],
  ])('refuses %s', (_, value) => {
    expect(v.is(RelayWellKnown, value)).toBe(false);
  });
});
