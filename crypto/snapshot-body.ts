// PROTOCOL.md §7.3 and §7.6: the body of snapshot and deposit envelopes, DEFLATE-compressed when that is
// smaller and Padmé-padded so that its length leaks only O(log log L) bits. Decoding runs only after the
// signature and the AEAD passed, and inflates into a buffer of raw_len + 1 bytes so a bomb cannot grow.
import { deflateSync, inflateSync } from 'fflate';
import { ByteReader, concat, list, varint, vbytes } from './bytes.ts';
import { LIMITS } from './constants.ts';
import { CryptoError, isCryptoError } from './crypto-error.ts';

/** Largest raw (inflated) snapshot body: 4 MiB. */
export const RAW_BODY_MAX = 4 * 1024 * 1024;

/** One attribution row: consecutive updates of one author from one Yjs client. */
export interface AttributionRow {
  client: number;
  author: number;
  seqLo: number;
  seqN: number;
  clockLo: number;
  clockN: number;
  tLo: number;
  tN: number;
}

/** What a snapshot (or deposit) carries once decrypted. */
export interface SnapshotContent {
  yjsState: Uint8Array;
  time: number;
  attribution: AttributionRow[];
}

/** `padme(L)` (Nikitin et al., PETS 2019): L rounded up so only its top ⌊log2 ⌊log2 L⌋⌋ + 1 bits vary. */
export function padme(length: number): number {
  if (!Number.isInteger(length) || length < 2 || length > 0x7fff_ffff) {
    // Every SnapshotBody is at least 6 bytes, so small lengths never reach here in the protocol.
    if (length === 0 || length === 1) return length;
    throw new CryptoError('bad_argument', 'padme length out of range');
  }
  const e = 31 - Math.clz32(length);
  const s = 31 - Math.clz32(e) + 1;
  const mask = 2 ** (e - s) - 1;
  return (length + mask) & ~mask;
}

function encodeRow(r: AttributionRow): Uint8Array {
  return concat(
    varint(r.client),
    varint(r.author),
    varint(r.seqLo),
    varint(r.seqN),
    varint(r.clockLo),
    varint(r.clockN),
    varint(r.tLo),
    varint(r.tN),
  );
}

function rowOrder(a: AttributionRow, b: AttributionRow): number {
  return a.client - b.client || a.clockLo - b.clockLo;
}

/** `raw = vbytes yjs_state ‖ varint time_seconds ‖ list<AttributionRow>` (rows sorted by client, clock_lo). */
export function encodeSnapshotContent(content: SnapshotContent): Uint8Array {
  if (content.yjsState.length > LIMITS.yjs) throw new CryptoError('too_large', 'Yjs state over 4 MiB');
  const rows = [...content.attribution].sort(rowOrder);
  for (let i = 1; i < rows.length; i++) {
    if (rowOrder(rows[i - 1] as AttributionRow, rows[i] as AttributionRow) === 0) {
      throw new CryptoError('bad_argument', 'duplicate attribution row');
    }
  }
  return concat(vbytes(content.yjsState), varint(content.time), list(rows.map(encodeRow)));
}

export function decodeSnapshotContent(raw: Uint8Array): SnapshotContent {
  const r = new ByteReader(raw);
  const yjsState = r.vbytes(LIMITS.yjs);
  const time = r.varint();
  const count = r.varint();
  const attribution: AttributionRow[] = [];
  for (let i = 0; i < count; i++) {
    const row: AttributionRow = {
      client: r.varint(),
      author: r.varint(),
      seqLo: r.varint(),
      seqN: r.varint(),
      clockLo: r.varint(),
      clockN: r.varint(),
      tLo: r.varint(),
      tN: r.varint(),
    };
    const prev = attribution[attribution.length - 1];
    if (prev !== undefined && rowOrder(prev, row) >= 0) throw new CryptoError('bad_encoding', 'rows not sorted');
    attribution.push(row);
  }
  r.end();
  return { yjsState, time, attribution };
}

/** SnapshotBody: `codec ‖ varint raw_len ‖ varint stored_len ‖ stored ‖ zero padding to padme(L)`. */
export function encodeSnapshotBody(content: SnapshotContent): Uint8Array {
  return frameBody(encodeSnapshotContent(content));
}

/**
 * The framing of a SnapshotBody around any raw bytes (also derived rows, §18.7): deflate when smaller, then
 * Padmé padding.
 */
export function frameBody(raw: Uint8Array): Uint8Array {
  if (raw.length > RAW_BODY_MAX) throw new CryptoError('too_large', 'snapshot body over 4 MiB');
  const deflated = deflateSync(raw, { level: 6 });
  const [codec, stored] = deflated.length < raw.length ? [0x01, deflated] : [0x00, raw];
  const fields = concat(Uint8Array.of(codec), varint(raw.length), varint(stored.length), stored);
  const body = new Uint8Array(padme(fields.length));
  body.set(fields);
  return body;
}

/** The raw bytes inside a framed body: `bad_padding` for padding, `bad_body` for everything else. */
export function unframeBody(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  let codec: number, rawLength: number, stored: Uint8Array;
  try {
    codec = r.u8();
    rawLength = r.varint();
    const storedLength = r.varint();
    stored = r.bytes(storedLength);
  } catch (cause) {
    throw new CryptoError('bad_body', 'snapshot body framing', { cause });
  }
  const fieldsLength = r.offset;
  const padding = r.rest();
  if (body.length !== padme(fieldsLength) || padding.some((b) => b !== 0)) {
    throw new CryptoError('bad_padding', 'snapshot body padding');
  }
  if (rawLength > RAW_BODY_MAX) throw new CryptoError('bad_body', 'raw length over 4 MiB');
  if (codec === 0x00) {
    if (stored.length !== rawLength) throw new CryptoError('bad_body', 'stored length differs from raw length');
    return stored;
  }
  if (codec !== 0x01) throw new CryptoError('bad_body', 'unknown codec');
  const out = new Uint8Array(rawLength + 1);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(stored, { out });
  } catch (cause) {
    throw new CryptoError('bad_body', 'inflate failed', { cause });
  }
  // One spare byte: a stream that inflates past raw_len fills it and is refused, without growing memory.
  if (inflated.length !== rawLength) throw new CryptoError('bad_body', 'inflated length differs from raw length');
  return inflated;
}

/** Decode a decrypted SnapshotBody: `bad_padding` for padding, `bad_body` for everything else. */
export function decodeSnapshotBody(body: Uint8Array): SnapshotContent {
  const raw = unframeBody(body);
  try {
    return decodeSnapshotContent(raw);
  } catch (cause) {
    if (isCryptoError(cause, 'bad_encoding')) throw new CryptoError('bad_body', 'snapshot content', { cause });
    throw cause;
  }
}
