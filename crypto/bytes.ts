// PROTOCOL.md §1: the one canonical encoding of every structure. Encoders produce it; ByteReader accepts
// nothing else (non-minimal varints, over-limit lengths, invalid UTF-8, non-NFC text, trailing bytes are all
// `bad_encoding`), because signatures and hash chains are over bytes.
import { CryptoError } from './crypto-error.ts';
import { sodium } from './sodium.ts';

/** Largest value of a u32 varint field (at most 5 bytes). */
export const U32_MAX = 0xffff_ffff;
/** Largest value of a u53 varint field (relay versions, at most 8 bytes). */
export const U53_MAX = Number.MAX_SAFE_INTEGER;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Concatenate byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Minimal unsigned LEB128 of an integer in [0, max]. */
export function varint(value: number, max: number = U32_MAX): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new CryptoError('bad_encoding', 'varint value out of range');
  }
  const out: number[] = [];
  let v = value;
  // Division, not bit operators: values above 2^31 must survive.
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** `varint(len) ‖ bytes`. */
export function vbytes(bytes: Uint8Array): Uint8Array {
  return concat(varint(bytes.length), bytes);
}

/** UTF-8 of an NFC string without NUL, refused over `maxBytes` (§22.6). */
export function utf8(text: string, maxBytes: number): Uint8Array {
  if (text.normalize('NFC') !== text || text.includes('\u0000')) {
    throw new CryptoError('bad_encoding', 'string is not NFC or holds NUL');
  }
  const bytes = utf8Encoder.encode(text);
  // TextEncoder silently replaces lone surrogates; the round trip catches them.
  if (utf8Decoder.decode(bytes) !== text) throw new CryptoError('bad_encoding', 'string is not well-formed');
  if (bytes.length > maxBytes) throw new CryptoError('bad_encoding', 'string over its byte limit');
  return bytes;
}

/** `vbytes(UTF-8(text))`, text NFC without NUL and at most `maxBytes` long. */
export function vstr(text: string, maxBytes: number): Uint8Array {
  return vbytes(utf8(text, maxBytes));
}

/** `varint(count) ‖ items`. Callers sort set-like lists before encoding. */
export function list(items: readonly Uint8Array[]): Uint8Array {
  return concat(varint(items.length), ...items);
}

/** Domain tag `D(s) = u8(len(s)) ‖ ascii(s)`. */
export function domain(s: string): Uint8Array {
  if (s.length === 0 || s.length > 255 || !/^[\x20-\x7e]+$/.test(s)) {
    throw new CryptoError('bad_argument', 'domain must be 1-255 printable ASCII characters');
  }
  return concat(Uint8Array.of(s.length), utf8Encoder.encode(s));
}

export function u32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new CryptoError('bad_encoding', 'u32 out of range');
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

export function u64be(value: bigint): Uint8Array {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new CryptoError('bad_encoding', 'u64 out of range');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value);
  return out;
}

/** Constant-time equality (`sodium.memcmp`); lengths are public, so a length mismatch returns at once. */
export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium().memcmp(a, b);
}

/** Lowercase hex (§1). */
export function toHex(bytes: Uint8Array): string {
  return sodium().to_hex(bytes);
}

/** Parse lowercase or uppercase hex; `bad_encoding` on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new CryptoError('bad_encoding', 'bad hex');
  return sodium().from_hex(hex);
}

/**
 * A strict cursor over untrusted bytes. Every read checks bounds; `end()` refuses trailing bytes. All failures
 * are `CryptoError('bad_encoding')`, never a RangeError.
 */
export class ByteReader {
  #at = 0;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get offset(): number {
    return this.#at;
  }

  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  u8(): number {
    const b = this.#bytes[this.#at];
    if (b === undefined) throw new CryptoError('bad_encoding', 'truncated');
    this.#at += 1;
    return b;
  }

  /** Exactly `n` bytes, copied (the caller may keep them after the source is wiped). */
  bytes(n: number): Uint8Array {
    if (n < 0 || n > this.remaining) throw new CryptoError('bad_encoding', 'truncated');
    const out = this.#bytes.slice(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  /** Minimal varint of at most `maxBytes` bytes and value at most `max` (u32 by default). */
  varint(max: number = U32_MAX, maxBytes: number = max > U32_MAX ? 8 : 5): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        // A last group of 0 after the first byte means the encoding could have been shorter.
        if (b === 0 && i > 0) throw new CryptoError('bad_encoding', 'non-minimal varint');
        if (value > max) throw new CryptoError('bad_encoding', 'varint over its limit');
        return value;
      }
      scale *= 0x80;
    }
    throw new CryptoError('bad_encoding', 'varint too long');
  }

  u32be(): number {
    return new DataView(this.bytes(4).buffer).getUint32(0);
  }

  u64be(): bigint {
    return new DataView(this.bytes(8).buffer).getBigUint64(0);
  }

  /** `vbytes` of at most `maxLength` bytes. */
  vbytes(maxLength: number): Uint8Array {
    const n = this.varint();
    if (n > maxLength) throw new CryptoError('bad_encoding', 'length over its limit');
    return this.bytes(n);
  }

  /** `vstr`: valid UTF-8, NFC, no NUL, at most `maxBytes`. */
  vstr(maxBytes: number): string {
    const raw = this.vbytes(maxBytes);
    let text: string;
    try {
      text = utf8Decoder.decode(raw);
    } catch (cause) {
      throw new CryptoError('bad_encoding', 'invalid UTF-8', { cause });
    }
    if (text.normalize('NFC') !== text || text.includes('\u0000')) {
      throw new CryptoError('bad_encoding', 'string is not NFC or holds NUL');
    }
    return text;
  }

  /** Every remaining byte (copied). */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Refuse trailing bytes. */
  end(): void {
    if (this.remaining !== 0) throw new CryptoError('bad_encoding', 'trailing bytes');
  }
}
