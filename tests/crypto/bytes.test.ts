import { beforeAll, describe, expect, it } from 'vitest';
import { ByteReader, concat, domain, equal, list, toHex, varint, vbytes, vstr, U53_MAX } from '#crypto/bytes';
import { CryptoError } from '#crypto/crypto-error';
import { ready } from '#crypto/sodium';

beforeAll(async () => {
  await ready();
});

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CryptoError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('varint', () => {
  it('encodes minimally and decodes back', () => {
    for (const [n, hex] of [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [152, '9801'],
      [1337, 'b90a'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [0xffffffff, 'ffffffff0f'],
    ] as const) {
      expect(toHex(varint(n))).toBe(hex);
      const r = new ByteReader(varint(n));
      expect(r.varint()).toBe(n);
      r.end();
    }
    expect(new ByteReader(varint(U53_MAX, U53_MAX)).varint(U53_MAX)).toBe(U53_MAX);
  });

  it('rejects non-minimal, too long and over-limit varints with bad_encoding', () => {
    for (const bytes of [
      [0x80, 0x00],
      [0x81, 0x80, 0x00],
      [0xff, 0xff, 0xff, 0xff, 0x1f],
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      [0x80],
    ]) {
      expect(code(() => new ByteReader(Uint8Array.from(bytes)).varint())).toBe('bad_encoding');
    }
    expect(code(() => varint(-1))).toBe('bad_encoding');
    expect(code(() => varint(2 ** 32))).toBe('bad_encoding');
  });
});

describe('ByteReader', () => {
  it('refuses trailing bytes and truncation', () => {
    const r = new ByteReader(Uint8Array.of(1, 2));
    r.u8();
    expect(code(() => r.end())).toBe('bad_encoding');
    expect(code(() => new ByteReader(Uint8Array.of(3, 1)).vbytes(10))).toBe('bad_encoding');
    expect(code(() => new ByteReader(Uint8Array.of(3, 1, 2, 3)).vbytes(2))).toBe('bad_encoding');
  });

  it('reads vstr only as NFC UTF-8 without NUL, within its limit', () => {
    expect(new ByteReader(vstr('µg/L', 10)).vstr(10)).toBe('µg/L');
    expect(code(() => vstr('e\u0301', 10))).toBe('bad_encoding');
    expect(code(() => vstr('a\u0000', 10))).toBe('bad_encoding');
    expect(code(() => vstr('\ud800', 10))).toBe('bad_encoding');
    expect(code(() => vstr('abcdef', 5))).toBe('bad_encoding');
    expect(code(() => new ByteReader(vbytes(Uint8Array.of(0xc3, 0x28))).vstr(10))).toBe('bad_encoding');
    expect(code(() => new ByteReader(vbytes(new TextEncoder().encode('e\u0301'))).vstr(10))).toBe('bad_encoding');
  });
});

describe('helpers', () => {
  it('builds D(s), lists and compares in constant time', () => {
    expect(toHex(domain('carnet/v1/update'))).toBe('10' + toHex(new TextEncoder().encode('carnet/v1/update')));
    expect(toHex(list([Uint8Array.of(1), Uint8Array.of(2)]))).toBe('020102');
    expect(toHex(concat(Uint8Array.of(1), Uint8Array.of()))).toBe('01');
    expect(equal(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equal(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equal(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
  });
});
