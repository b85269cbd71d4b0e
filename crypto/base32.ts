// PROTOCOL.md §1: human-typed secrets (link secrets §14.1, the recovery key §16.2) use Crockford base32,
// because it is case-insensitive and has no look-alike letters when read aloud or retyped from paper.
import { CryptoError } from './crypto-error.ts';

/** The 32 symbols, in value order. */
export const BASE32_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Reverse table over char codes: -1 for anything that is not a symbol. `I`/`L` read as 1 and `O` as 0, in
// either case, so a misread letter decodes to what the writer meant instead of failing.
const VALUES: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let v = 0; v < BASE32_ALPHABET.length; v++) {
    const c = BASE32_ALPHABET.charCodeAt(v);
    table[c] = v;
    table[String.fromCharCode(c).toLowerCase().charCodeAt(0)] = v;
  }
  for (const [alias, v] of [
    ['I', 1],
    ['L', 1],
    ['O', 0],
  ] as const) {
    table[alias.charCodeAt(0)] = v;
    table[alias.toLowerCase().charCodeAt(0)] = v;
  }
  return table;
})();

/** Number of base32 characters that encode `byteLength` bytes (the last one carries zero pad bits). */
export function base32Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 5);
}

/** Uppercase Crockford base32 without separators; unused low bits of the last character are zero. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET.charAt((buffer >> bits) & 31);
    }
  }
  if (bits > 0) out += BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 31);
  return out;
}

/**
 * Decode Crockford base32: case-insensitive, `I`/`L` as 1, `O` as 0, `-` and whitespace ignored. Refuses
 * (`bad_encoding`) any other character, a character count no canonical encoding has, non-zero pad bits, and a
 * result that is not `expectedLength` bytes long when one is given. Refusing set pad bits matters: otherwise
 * two texts would decode to one secret, and a typo in the last character could go unnoticed.
 */
export function decodeBase32(text: string, expectedLength?: number): Uint8Array {
  const symbols = text.replace(/[\s-]/g, '');
  const byteLength = Math.floor((symbols.length * 5) / 8);
  if (base32Length(byteLength) !== symbols.length) {
    throw new CryptoError('bad_encoding', 'base32 text has an impossible length');
  }
  if (expectedLength !== undefined && byteLength !== expectedLength) {
    throw new CryptoError('bad_encoding', 'base32 text has the wrong length');
  }
  const out = new Uint8Array(byteLength);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < symbols.length; i++) {
    const code = symbols.charCodeAt(i);
    const value = code < 128 ? (VALUES[code] ?? -1) : -1;
    if (value < 0) throw new CryptoError('bad_encoding', 'not a base32 character');
    buffer = ((buffer << 5) | value) & 0x1fff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new CryptoError('bad_encoding', 'base32 pad bits are not zero');
  return out;
}

/** Split text into groups (five characters by default, §14.1, §22.8) for display and dictation. */
export function groupBase32(text: string, size = 5, separator = ' '): string {
  const groups: string[] = [];
  for (let i = 0; i < text.length; i += size) groups.push(text.slice(i, i + size));
  return groups.join(separator);
}
