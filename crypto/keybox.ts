// PROTOCOL.md §8.3: the keybox (type 0x09), a professional's whole view of a share: names, record keys per
// epoch and author keys, sealed to the link's or the professional's box key, signed by a member device, and
// MACed with the link MAC key LMK, which the relay never holds (it could otherwise seal a fake keybox).
import { ByteReader, concat, equal, list, u64be, varint, vstr } from './bytes.ts';
import { LIMITS, TYPE, VERSION } from './constants.ts';
import { CryptoError, isCryptoError } from './crypto-error.ts';
import { macWithDomain, wipe } from './primitives.ts';
import type { MembershipView } from './signed-seal.ts';
import { openSigned, resolveSigner, sealSigned, splitSigned } from './signed-seal.ts';
import type { Rng } from './sodium.ts';

const SPEC = { purpose: 'carnet/v1/seal/keybox', domain: 'carnet/v1/keybox' } as const;

export interface KeyboxHeader {
  share: number;
  epoch: number;
  author: number;
  mhead: number;
  /** 0 = the link box key (unclaimed), 1 = the bound professional's box key. */
  recipientKind: 0 | 1;
}

export interface KeyboxRecord {
  recordId: Uint8Array;
  level: number;
  category: number;
  /** Days since 1970-01-01. */
  date: number;
  title: string;
  authorName: string;
  organisation: string;
  /** Every (epoch, K(r,epoch)) under which the relay still holds an envelope of the record, by epoch. */
  keys: readonly (readonly [epoch: number, key: Uint8Array])[];
}

export interface KeyboxBody {
  patientName: string;
  /** Seconds since the Unix epoch, 0 = none. */
  expires: bigint;
  flags: number;
  inboxPk: Uint8Array;
  authors: readonly (readonly [index: number, sigPk: Uint8Array])[];
  records: readonly KeyboxRecord[];
}

function encodeHeader(h: KeyboxHeader): Uint8Array {
  return concat(
    Uint8Array.of(VERSION, TYPE.keybox),
    varint(h.share),
    varint(h.epoch),
    varint(h.author),
    varint(h.mhead),
    Uint8Array.of(h.recipientKind),
  );
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}

function encodeBody(b: KeyboxBody): Uint8Array {
  const authors = [...b.authors].sort((x, y) => x[0] - y[0]);
  const records = [...b.records].sort((x, y) => compareBytes(x.recordId, y.recordId));
  return concat(
    vstr(b.patientName, LIMITS.patientName),
    u64be(b.expires),
    Uint8Array.of(b.flags),
    b.inboxPk,
    list(authors.map(([i, pk]) => concat(varint(i), pk))),
    list(
      records.map((r) =>
        concat(
          r.recordId,
          Uint8Array.of(r.level, r.category),
          varint(r.date),
          vstr(r.title, LIMITS.title),
          vstr(r.authorName, LIMITS.name),
          vstr(r.organisation, LIMITS.name),
          list([...r.keys].sort((x, y) => x[0] - y[0]).map(([e, k]) => concat(varint(e), k))),
        ),
      ),
    ),
  );
}

function decodeBody(r: ByteReader): KeyboxBody {
  const patientName = r.vstr(LIMITS.patientName);
  const expires = r.u64be();
  const flags = r.u8();
  const inboxPk = r.bytes(32);
  const authors: [number, Uint8Array][] = [];
  for (let n = r.varint(), i = 0; i < n; i++) {
    const index = r.varint();
    const prev = authors[authors.length - 1];
    if (prev !== undefined && prev[0] >= index) throw new CryptoError('bad_encoding', 'authors not sorted');
    authors.push([index, r.bytes(32)]);
  }
  const records: KeyboxRecord[] = [];
  for (let n = r.varint(), i = 0; i < n; i++) {
    const recordId = r.bytes(16);
    const prev = records[records.length - 1];
    if (prev !== undefined && compareBytes(prev.recordId, recordId) >= 0) {
      throw new CryptoError('bad_encoding', 'records not sorted');
    }
    const level = r.u8();
    const category = r.u8();
    const date = r.varint();
    const title = r.vstr(LIMITS.title);
    const authorName = r.vstr(LIMITS.name);
    const organisation = r.vstr(LIMITS.name);
    const keys: [number, Uint8Array][] = [];
    for (let k = r.varint(), j = 0; j < k; j++) {
      const epoch = r.varint();
      const last = keys[keys.length - 1];
      if (last !== undefined && last[0] >= epoch) throw new CryptoError('bad_encoding', 'epochs not sorted');
      keys.push([epoch, r.bytes(32)]);
    }
    records.push({ recordId, level, category, date, title, authorName, organisation, keys });
  }
  return { patientName, expires, flags, inboxPk, authors, records };
}

function lmac(lmk: Uint8Array, vaultId: Uint8Array, header: Uint8Array, body: Uint8Array): Uint8Array {
  return macWithDomain(lmk, 'carnet/v1/keybox-mac', vaultId, header, body);
}

/** Seal a keybox to `recipientPk` (link box key or the professional's box key, per `recipientKind`). */
export function sealKeybox(
  h: KeyboxHeader,
  body: KeyboxBody,
  keys: {
    vaultId: Uint8Array;
    headHash: Uint8Array;
    recipientPk: Uint8Array;
    lmk: Uint8Array;
    authorSk: Uint8Array;
    rng?: Rng;
  },
): Uint8Array {
  const header = encodeHeader(h);
  const bodyBytes = encodeBody(body);
  const plain = concat(bodyBytes, lmac(keys.lmk, keys.vaultId, header, bodyBytes));
  const ctx = concat(keys.vaultId, header, keys.headHash, keys.recipientPk);
  try {
    return sealSigned(SPEC, header, ctx, keys.recipientPk, plain, keys.authorSk, keys.rng);
  } finally {
    wipe(plain, bodyBytes);
  }
}

/** The professional's side: the share it holds, its box keys, and LMK from the link secret. */
export interface KeyboxRecipient extends MembershipView {
  share: number;
  recipientKind: 0 | 1;
  boxPk: Uint8Array;
  boxSk: Uint8Array;
  lmk: Uint8Array;
}

/**
 * Open a keybox: `wrong_context` for another share or recipient kind, `bad_signature` for a bad signature or
 * a bad `lmac` (both are authenticators; the lmac one is what stops a relay-made keybox), `bad_body` for a body
 * that does not decode canonically.
 */
export function openKeybox(bytes: Uint8Array, me: KeyboxRecipient): { header: KeyboxHeader; body: KeyboxBody } {
  const r = new ByteReader(bytes);
  if (r.u8() !== VERSION) throw new CryptoError('unknown_version', 'keybox version');
  if (r.u8() !== TYPE.keybox) throw new CryptoError('unknown_type', 'not a keybox');
  const share = r.varint();
  const epoch = r.varint();
  const author = r.varint();
  const mhead = r.varint();
  const kind = r.u8();
  if (kind !== 0 && kind !== 1) throw new CryptoError('bad_encoding', 'recipient kind');
  const header: KeyboxHeader = { share, epoch, author, mhead, recipientKind: kind };
  const length = r.offset;
  if (share !== me.share || kind !== me.recipientKind)
    throw new CryptoError('wrong_context', 'keybox for another share or key');
  const { headHash, authorPk } = resolveSigner(me, author, mhead);
  if (epoch !== me.epochAt(mhead)) throw new CryptoError('bad_epoch', 'keybox epoch is not the cited head');
  const headerBytes = bytes.subarray(0, length);
  const ctx = concat(me.vaultId, headerBytes, headHash, me.boxPk);
  const plain = openSigned(SPEC, splitSigned(bytes, length), ctx, authorPk, me.boxPk, me.boxSk);
  try {
    if (plain.length < 32) throw new CryptoError('bad_body', 'keybox body too short');
    const bodyBytes = plain.subarray(0, plain.length - 32);
    if (!equal(lmac(me.lmk, me.vaultId, headerBytes, bodyBytes), plain.subarray(plain.length - 32))) {
      throw new CryptoError('bad_signature', 'keybox lmac');
    }
    const br = new ByteReader(bodyBytes);
    const body = decodeBody(br);
    br.end();
    return { header, body };
  } catch (e) {
    if (isCryptoError(e, 'bad_encoding')) throw new CryptoError('bad_body', 'keybox body', { cause: e });
    throw e;
  } finally {
    wipe(plain);
  }
}
