// PROTOCOL.md §7: sealing record envelopes, and `openEnvelope`, the one function that verifies, then decrypts,
// then decodes, returning a typed result and never partial plaintext.
import { ByteReader, concat, varint } from './bytes.ts';
import type { AdDomain, SignDomain } from './constants.ts';
import { LIMITS, TYPE } from './constants.ts';
import type { CryptoErrorCode } from './crypto-error.ts';
import { CryptoError, isCryptoError } from './crypto-error.ts';
import type { EnvelopeHeader, EnvelopeType } from './envelope-header.ts';
import { encodeEnvelopeHeader, parseEnvelope } from './envelope-header.ts';
import { adWithDomain, aeadDecrypt, aeadEncrypt, kc, sign, verify, wipe } from './primitives.ts';
import type { SnapshotContent } from './snapshot-body.ts';
import { decodeSnapshotBody, encodeSnapshotBody } from './snapshot-body.ts';
import type { Rng } from './sodium.ts';
import { systemRng } from './sodium.ts';

const DOMAINS: Record<EnvelopeType, { ad: AdDomain; sig: SignDomain }> = {
  [TYPE.update]: { ad: 'carnet/v1/ad/update', sig: 'carnet/v1/update' },
  [TYPE.snapshot]: { ad: 'carnet/v1/ad/snapshot', sig: 'carnet/v1/snapshot' },
  [TYPE.deposit]: { ad: 'carnet/v1/ad/deposit', sig: 'carnet/v1/deposit' },
};

/** UpdateBody: `u8 kind (0x00 = Yjs update v1) ‖ varint time_seconds ‖ Yjs update bytes`. */
export interface UpdateBody {
  time: number;
  yjs: Uint8Array;
}

export function encodeUpdateBody(body: UpdateBody): Uint8Array {
  if (body.yjs.length > LIMITS.yjs) throw new CryptoError('too_large', 'Yjs update over 4 MiB');
  return concat(Uint8Array.of(0x00), varint(body.time), body.yjs);
}

export function decodeUpdateBody(bytes: Uint8Array): UpdateBody {
  try {
    const r = new ByteReader(bytes);
    if (r.u8() !== 0x00) throw new CryptoError('bad_body', 'unknown update kind');
    const time = r.varint();
    const yjs = r.rest();
    if (yjs.length > LIMITS.yjs) throw new CryptoError('bad_body', 'Yjs update over 4 MiB');
    return { time, yjs };
  } catch (cause) {
    if (isCryptoError(cause, 'bad_encoding')) throw new CryptoError('bad_body', 'update body', { cause });
    throw cause;
  }
}

/** What the author of an envelope supplies besides the header and body. */
export interface EnvelopeSealKeys {
  vaultId: Uint8Array;
  recordId: Uint8Array;
  /** K(r,E), I_E for the index, or K_dep for a deposit. */
  key: Uint8Array;
  /** The author's Ed25519 secret key (64 bytes). */
  authorSk: Uint8Array;
  /** h_mhead: the hash of the membership entry the header's mhead names. */
  headHash: Uint8Array;
  rng?: Rng;
}

/** `ctx = vault_id ‖ record_id ‖ header ‖ h_mhead ‖ kc(K)` (§7.2). */
function envelopeContext(
  vaultId: Uint8Array,
  recordId: Uint8Array,
  header: Uint8Array,
  headHash: Uint8Array,
  key: Uint8Array,
): Uint8Array {
  if (vaultId.length !== 16 || recordId.length !== 16 || headHash.length !== 32) {
    throw new CryptoError('bad_argument', 'vault id, record id or head hash of the wrong size');
  }
  return concat(vaultId, recordId, header, headHash, kc(key));
}

function sealEnvelope(header: EnvelopeHeader, body: Uint8Array, keys: EnvelopeSealKeys): Uint8Array {
  const headerBytes = encodeEnvelopeHeader(header);
  const ctx = envelopeContext(keys.vaultId, keys.recordId, headerBytes, keys.headHash, keys.key);
  const nonce = (keys.rng ?? systemRng)(24);
  const d = DOMAINS[header.type];
  const ct = aeadEncrypt(keys.key, nonce, body, adWithDomain(d.ad, ctx));
  const sig = sign(keys.authorSk, d.sig, concat(ctx, nonce, ct));
  const envelope = concat(headerBytes, nonce, ct, sig);
  const limit = header.type === TYPE.snapshot ? LIMITS.snapshotEnvelope : LIMITS.envelope;
  if (envelope.length > limit) throw new CryptoError('too_large', 'envelope over its size limit');
  return envelope;
}

/** Seal an update envelope (type 0x01). Updates are never compressed or padded (§7.6). */
export function sealUpdate(
  h: { author: number; epoch: number; seq: number; mhead: number },
  body: UpdateBody,
  keys: EnvelopeSealKeys,
): Uint8Array {
  const plain = encodeUpdateBody(body);
  try {
    return sealEnvelope({ type: TYPE.update, ...h }, plain, keys);
  } finally {
    wipe(plain);
  }
}

/** Seal a snapshot envelope (type 0x02): body deflated when smaller, then Padmé-padded. */
export function sealSnapshot(
  h: { author: number; epoch: number; mhead: number; coverage: readonly (readonly [number, number])[] },
  content: SnapshotContent,
  keys: EnvelopeSealKeys,
): Uint8Array {
  const plain = encodeSnapshotBody(content);
  try {
    return sealEnvelope({ type: TYPE.snapshot, ...h }, plain, keys);
  } finally {
    wipe(plain);
  }
}

/** Seal a deposit envelope (type 0x03) under K_dep: a SnapshotBody, like a snapshot. */
export function sealDeposit(
  h: { author: number; epoch: number; mhead: number },
  content: SnapshotContent,
  keys: EnvelopeSealKeys,
): Uint8Array {
  const plain = encodeSnapshotBody(content);
  try {
    return sealEnvelope({ type: TYPE.deposit, ...h }, plain, keys);
  } finally {
    wipe(plain);
  }
}

/** What the verifier knows (§7.5 step 2): the verified membership state and the keys it holds. */
export interface EnvelopeContext {
  vaultId: Uint8Array;
  /** Sequence number of the last membership entry this device verified. */
  verifiedHead: number;
  /** h_n for a verified n, or undefined. */
  headHash(seq: number): Uint8Array | undefined;
  /** The epoch in force at membership entry n (n ≤ verifiedHead). */
  epochAt(seq: number): number;
  /** The Ed25519 public key of principal `index` if it was active at entry `seq`, else undefined. */
  authorKey(index: number, seq: number): Uint8Array | undefined;
  /** The key for (record, epoch) of this envelope type (K(r,E), I_E or K_dep), if held. */
  key(recordId: Uint8Array, epoch: number, type: EnvelopeType): Uint8Array | undefined;
}

export type OpenedEnvelope =
  | { ok: true; type: typeof TYPE.update; header: Extract<EnvelopeHeader, { type: 0x01 }>; body: UpdateBody }
  | {
      ok: true;
      type: typeof TYPE.snapshot | typeof TYPE.deposit;
      header: Exclude<EnvelopeHeader, { type: 0x01 }>;
      body: SnapshotContent;
    }
  | { ok: false; code: CryptoErrorCode };

/**
 * Verify, then decrypt (§7.5): parse, check the context, verify the signature over the key commitment, and
 * only then decrypt and decode. Returns `{ ok: false, code }` for every CryptoError; plaintext of an envelope
 * that fails a later step is wiped, never returned.
 */
export function openEnvelope(bytes: Uint8Array, recordId: Uint8Array, context: EnvelopeContext): OpenedEnvelope {
  try {
    return openOrThrow(bytes, recordId, context);
  } catch (e) {
    if (e instanceof CryptoError) return { ok: false, code: e.code };
    throw e;
  }
}

function openOrThrow(bytes: Uint8Array, recordId: Uint8Array, context: EnvelopeContext): OpenedEnvelope {
  const p = parseEnvelope(bytes);
  const { header } = p;
  if (header.mhead > context.verifiedHead) throw new CryptoError('need_membership', 'cited head not verified yet');
  const headHash = context.headHash(header.mhead);
  if (headHash === undefined) throw new CryptoError('need_membership', 'cited head not known');
  const authorPk = context.authorKey(header.author, header.mhead);
  if (authorPk === undefined) throw new CryptoError('unknown_author', 'author not active at the cited head');
  if (header.epoch !== context.epochAt(header.mhead)) throw new CryptoError('bad_epoch', 'epoch is not the cited head');
  const key = context.key(recordId, header.epoch, header.type);
  if (key === undefined) throw new CryptoError('unknown_epoch', 'no key for this record and epoch');

  const ctx = envelopeContext(context.vaultId, recordId, p.headerBytes, headHash, key);
  const d = DOMAINS[header.type];
  if (!verify(authorPk, d.sig, concat(ctx, p.nonce, p.ciphertext), p.signature)) {
    throw new CryptoError('bad_signature', 'envelope signature');
  }
  const plain = aeadDecrypt(key, p.nonce, p.ciphertext, adWithDomain(d.ad, ctx));
  try {
    if (header.type === TYPE.update) return { ok: true, type: header.type, header, body: decodeUpdateBody(plain) };
    return { ok: true, type: header.type, header, body: decodeSnapshotBody(plain) };
  } finally {
    // The decoded body holds copies; the raw plaintext buffer is not needed any more.
    wipe(plain);
  }
}
