// PROTOCOL.md §7.2-§7.4: the parts of an envelope the relay can read, and the strict parse that runs before
// anything else is trusted (step 1 of openEnvelope, §7.5).
import { ByteReader, concat, list, varint } from './bytes.ts';
import { LIMITS, NONCE_BYTES, SIGNATURE_BYTES, TAG_BYTES, TYPE, VERSION } from './constants.ts';
import { CryptoError } from './crypto-error.ts';

export type EnvelopeType = typeof TYPE.update | typeof TYPE.snapshot | typeof TYPE.deposit;

/** Coverage of a snapshot: per author, the highest sequence included; sorted by author. */
export type Coverage = readonly (readonly [author: number, seq: number])[];

export type EnvelopeHeader =
  | { type: typeof TYPE.update; author: number; epoch: number; seq: number; mhead: number }
  | { type: typeof TYPE.snapshot; author: number; epoch: number; mhead: number; coverage: Coverage }
  | { type: typeof TYPE.deposit; author: number; epoch: number; mhead: number };

/** An envelope split into its parts; `header` is bytes `[0, h)`. */
export interface ParsedEnvelope {
  header: EnvelopeHeader;
  headerBytes: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

export function encodeEnvelopeHeader(h: EnvelopeHeader): Uint8Array {
  const common = [Uint8Array.of(VERSION, h.type), varint(h.author), varint(h.epoch)];
  switch (h.type) {
    case TYPE.update:
      if (h.seq < 1) throw new CryptoError('bad_argument', 'update sequences start at 1');
      return concat(...common, varint(h.seq), varint(h.mhead));
    case TYPE.snapshot:
      checkCoverage(h.coverage);
      return concat(...common, varint(h.mhead), list(h.coverage.map(([a, s]) => concat(varint(a), varint(s)))));
    case TYPE.deposit:
      return concat(...common, varint(h.mhead));
  }
}

function checkCoverage(coverage: Coverage): void {
  for (let i = 0; i < coverage.length; i++) {
    const [author, seq] = coverage[i] ?? [0, 0];
    const prev = coverage[i - 1];
    if (seq < 1 || (prev !== undefined && prev[0] >= author)) {
      throw new CryptoError('bad_encoding', 'coverage must be sorted by author, without duplicates, seq >= 1');
    }
  }
}

/**
 * Parse step of §7.5: size (`too_large`), version (`unknown_version`), type (`unknown_type`), minimal varints
 * and a ciphertext of at least a tag (`bad_encoding`).
 */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  if (bytes.length > LIMITS.snapshotEnvelope) throw new CryptoError('too_large', 'envelope over 4 MiB');
  const r = new ByteReader(bytes);
  const version = r.u8();
  if (version !== VERSION) throw new CryptoError('unknown_version', 'envelope version');
  const type = r.u8();
  // Updates and deposits stay at 512 KiB; only snapshots may be larger (§7.5, §22.6).
  if (type !== TYPE.snapshot && bytes.length > LIMITS.envelope)
    throw new CryptoError('too_large', 'envelope over 512 KiB');
  const author = r.varint();
  const epoch = r.varint();
  let header: EnvelopeHeader;
  if (type === TYPE.update) {
    const seq = r.varint();
    if (seq < 1) throw new CryptoError('bad_encoding', 'update sequence 0');
    header = { type, author, epoch, seq, mhead: r.varint() };
  } else if (type === TYPE.snapshot) {
    const mhead = r.varint();
    const count = r.varint();
    // Each coverage pair takes at least two bytes: a count beyond that cannot be honest.
    if (count > r.remaining / 2) throw new CryptoError('bad_encoding', 'coverage count');
    const coverage: (readonly [number, number])[] = [];
    for (let i = 0; i < count; i++) coverage.push([r.varint(), r.varint()]);
    checkCoverage(coverage);
    header = { type, author, epoch, mhead, coverage };
  } else if (type === TYPE.deposit) {
    header = { type, author, epoch, mhead: r.varint() };
  } else {
    throw new CryptoError('unknown_type', 'not an envelope type');
  }
  const headerBytes = bytes.slice(0, r.offset);
  const nonce = r.bytes(NONCE_BYTES);
  if (r.remaining < TAG_BYTES + SIGNATURE_BYTES) throw new CryptoError('bad_encoding', 'ciphertext too short');
  const ciphertext = r.bytes(r.remaining - SIGNATURE_BYTES);
  const signature = r.bytes(SIGNATURE_BYTES);
  r.end();
  return { header, headerBytes, nonce, ciphertext, signature };
}
