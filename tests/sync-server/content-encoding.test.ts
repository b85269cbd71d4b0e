import { describe, expect, it } from 'vitest';
import { acceptQuality, pickEncoding, PRECOMPRESSED } from '#sync-server/content-encoding';
import { matchesIfNoneMatch } from '#sync-server/entity-tag';

describe(pickEncoding.name, () => {
  const [br, gzip] = PRECOMPRESSED;

  it('picks the best accepted encoding among the copies that exist, brotli on a tie', () => {
    expect(pickEncoding('gzip, deflate, br, zstd', PRECOMPRESSED)).toBe(br);
    expect(pickEncoding('gzip, deflate, br', [gzip])).toBe(gzip);
    expect(pickEncoding('GZIP ; q=0.8, Br ; q=0.4', PRECOMPRESSED)).toBe(gzip);
    expect(pickEncoding('br', [])).toBeUndefined();
  });

  it('sends nothing compressed without a header, with q=0, or for an encoding it does not have', () => {
    expect(pickEncoding(undefined, PRECOMPRESSED)).toBeUndefined();
    expect(pickEncoding('', PRECOMPRESSED)).toBeUndefined();
    expect(pickEncoding('br;q=0, gzip;q=0.000', PRECOMPRESSED)).toBeUndefined();
    expect(pickEncoding('deflate, identity', PRECOMPRESSED)).toBeUndefined();
    expect(pickEncoding('*;q=0', PRECOMPRESSED)).toBeUndefined();
    expect(pickEncoding('br;q=nonsense', PRECOMPRESSED)).toBeUndefined();
  });

  it('reads the wildcard for encodings not named', () => {
    expect(acceptQuality('*;q=0.3', 'br')).toBe(0.3);
    expect(acceptQuality('br;q=0, *', 'br')).toBe(0);
    expect(acceptQuality('*, br;q=0', 'br')).toBe(0);
  });
});

describe(matchesIfNoneMatch.name, () => {
  it('matches the tag among several, weakly, and *', () => {
    expect(matchesIfNoneMatch('"a", "b-br"', '"b-br"')).toBe(true);
    expect(matchesIfNoneMatch('W/"b-br"', '"b-br"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"b"')).toBe(true);
    expect(matchesIfNoneMatch('"b"', '"b-br"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"b"')).toBe(false);
  });
});
