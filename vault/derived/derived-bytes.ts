import { ByteReader, concat, varint } from '#crypto/bytes';
import { isCryptoError } from '#crypto/crypto-error';
import { VaultError } from '../records/vault-error.ts';

/**
 * Shared pieces of the derived-row formats (catalogue pages, search rows: docs/design/index-at-scale.md §3, §4).
 * Their bytes come back from storage, so they are untrusted even though this device wrote them: every decoder
 * runs through `decodeStrictly`, which turns any encoding fault into `invalid_doc` (the caller rebuilds the row).
 */

/** `invalid_doc` with a message naming the structure. */
export function invalid(what: string, message: string): VaultError {
  return new VaultError('invalid_doc', `${what}: ${message}`);
}

/** Runs `read` over `bytes`, refuses trailing bytes, and reports every fault as `invalid_doc`. */
export function decodeStrictly<T>(what: string, bytes: Uint8Array, read: (reader: ByteReader) => T): T {
  const reader = new ByteReader(bytes);
  try {
    const value = read(reader);
    reader.end();
    return value;
  } catch (error) {
    if (error instanceof VaultError) throw error;
    if (isCryptoError(error)) throw new VaultError('invalid_doc', `${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * A list count, refused over `max` or when the bytes left cannot hold that many items of at least
 * `minItemBytes` each: a claimed count never sizes an allocation on its own.
 */
export function readCount(reader: ByteReader, what: string, max: number, minItemBytes: number): number {
  const count = reader.varint();
  if (count > max) throw invalid(what, `${count} items, over the limit of ${max}`);
  if (count * minItemBytes > reader.remaining) throw invalid(what, `${count} items cannot fit in what is left`);
  return count;
}

/** Record ids are 16 bytes, handed out as 32 lowercase hex digits (`Id` of record-schema.ts). */
export const ID_BYTES = 16;
const ID_HEX = /^[0-9a-f]{32}$/;
const HEX_DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

// Local hex, not crypto's toHex: these formats stay pure (no libsodium to be ready) and a 10,000-row record
// table converts 10,000 ids on a first search.
export function idToBytes(id: string): Uint8Array {
  if (!ID_HEX.test(id)) throw new VaultError('internal', 'a record id is not 32 lowercase hex digits');
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = Number.parseInt(id.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function readId(reader: ByteReader): string {
  let hex = '';
  for (let i = 0; i < ID_BYTES; i++) hex += HEX_DIGITS[reader.u8()] ?? '';
  return hex;
}

/** Longest search term, in UTF-16 units (§4.1); at most 3 UTF-8 bytes per unit. */
export const TERM_MAX_UNITS = 64;
const TERM_MAX_BYTES = TERM_MAX_UNITS * 3;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `vbytes(UTF-8(text))` without vstr's NFC rule: search tokens are accent-folded NFD text (Hangul stays as
 * jamo), and record text is stored as typed. Fatal decoding (`readText`) still refuses invalid UTF-8; a lone
 * surrogate, which no well-formed input holds, is written as U+FFFD by TextEncoder.
 */
export function textBytes(text: string, maxBytes: number = TERM_MAX_BYTES): Uint8Array {
  const bytes = utf8Encoder.encode(text);
  // Never write what the decoder would refuse: such a row would be rebuilt, and refused, at every unlock.
  if (bytes.length > maxBytes) throw new VaultError('internal', 'a string over its byte limit');
  return concat(varint(bytes.length), bytes);
}

const ASCII_FAST_MAX = 512;

/** A UTF-8 string of at most `maxBytes` (no NFC requirement, see `textBytes`). */
export function readText(reader: ByteReader, what: string, maxBytes: number): string {
  const length = reader.varint();
  if (length > maxBytes) throw invalid(what, 'a string over its length limit');
  const raw = reader.bytes(length);
  // Short ASCII strings (dates, most titles and names) skip TextDecoder, whose per-call cost is several times
  // that of the copy: at 100,000 catalogue entries it was a quarter of the overview's decoding time.
  if (length <= ASCII_FAST_MAX) {
    let ascii = true;
    for (let i = 0; i < length && ascii; i++) ascii = (raw[i] ?? 0x80) < 0x80;
    if (ascii) return String.fromCharCode.apply(null, raw as unknown as number[]);
  }
  try {
    return utf8Decoder.decode(raw);
  } catch (cause) {
    throw new VaultError('invalid_doc', `${what}: invalid UTF-8`, { cause });
  }
}

/** A term read back: well-formed, non-empty, at most 64 UTF-16 units. */
export function readTerm(reader: ByteReader, what: string): string {
  const term = readText(reader, what, TERM_MAX_BYTES);
  if (term.length === 0 || term.length > TERM_MAX_UNITS) throw invalid(what, 'a term of a wrong length');
  return term;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks terms before encoding: non-empty, at most 64 units, well-formed, strictly ascending (UTF-16 order). */
export function checkTerms(terms: readonly string[]): void {
  let previous: string | undefined;
  for (const term of terms) {
    if (term.length === 0 || term.length > TERM_MAX_UNITS || LONE_SURROGATE.test(term)) {
      throw new VaultError('internal', 'a search term is empty, over 64 units or not well-formed');
    }
    if (previous !== undefined && !(previous < term)) {
      throw new VaultError('internal', 'search terms are not sorted and unique');
    }
    previous = term;
  }
}
