// PROTOCOL.md §10.1–§10.2, validator step 1: parse untrusted entry bytes into a MemberEntry, accepting only
// the canonical encoding. Every failure is MembershipError('member_bad_encoding'); nothing else escapes.
import { ByteReader, equal, isCryptoError, LIMITS } from '#crypto';
import { encodeEntry, ENTRY_TYPE, ENTRY_VERSION, compareIds } from './encode-entry.ts';
import {
  MAX_ENTRY_BYTES,
  MEMBER_KIND_NAMES,
  type MemberBody,
  type MemberEntry,
  type MemberKind,
  type NewEpoch,
  type RotateReason,
} from './member-entry.ts';
import { MembershipError } from './membership-error.ts';

function bad(message: string): never {
  throw new MembershipError('member_bad_encoding', message);
}

function u64(r: ByteReader): number {
  const v = r.u64be();
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad('u64 over 2^53 - 1');
  return Number(v);
}

function newEpoch(r: ByteReader): NewEpoch {
  return { epoch: r.varint(), commitment: r.bytes(32), inboxPk: r.bytes(32) };
}

function recordIds(r: ByteReader): Uint8Array[] {
  const count = r.varint();
  // Checked before looping so a huge declared count costs nothing.
  if (count * 16 > r.remaining) bad('record id list longer than the body');
  const ids: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const id = r.bytes(16);
    const previous = ids[ids.length - 1];
    if (previous !== undefined && compareIds(previous, id) >= 0) bad('record ids not sorted or not unique');
    ids.push(id);
  }
  return ids;
}

function flag(r: ByteReader, field: string): boolean {
  const b = r.u8();
  if (b > 1) bad(`${field} must be 0 or 1`);
  return b === 1;
}

function decodeBody(kind: MemberKind, r: ByteReader): MemberBody {
  switch (kind) {
    case 'genesis':
      return {
        kind,
        vaultId: r.bytes(16),
        relayOrigin: r.vstr(LIMITS.relayOrigin),
        relayPk: r.bytes(32),
        recoverySigPk: r.bytes(32),
        recoveryBoxPk: r.bytes(32),
        deviceSigPk: r.bytes(32),
        deviceBoxPk: r.bytes(32),
        newEpoch: newEpoch(r),
      };
    case 'device-add':
      return { kind, person: r.varint(), sigPk: r.bytes(32), boxPk: r.bytes(32) };
    case 'device-remove':
    case 'revoke':
      return { kind, index: r.varint(), newEpoch: newEpoch(r) };
    case 'assistant-add':
      return { kind, sigPk: r.bytes(32), boxPk: r.bytes(32) };
    case 'assistant-remove':
      return { kind, person: r.varint(), newEpoch: newEpoch(r) };
    case 'link-create': {
      const linkId = r.bytes(16);
      const linkAuthPk = r.bytes(32);
      const linkBoxPk = r.bytes(32);
      const expiresS = u64(r);
      const maxUses = r.varint();
      const maxPasscodeFailures = r.u8();
      const verifier = maxPasscodeFailures > 0 ? r.bytes(32) : null;
      // Only bit 0 (deposit) is defined; any other bit would be a second encoding of the same share.
      const deposit = flag(r, 'flags');
      const scope = recordIds(r);
      return { kind, linkId, linkAuthPk, linkBoxPk, expiresS, maxUses, maxPasscodeFailures, verifier, deposit, scope };
    }
    case 'link-claim':
      return { kind, linkIndex: r.varint(), proSigPk: r.bytes(32), proBoxPk: r.bytes(32), linkSig: r.bytes(64) };
    case 'share-update':
      return { kind, index: r.varint(), expiresS: u64(r), maxUses: r.varint() };
    case 'scope-extend':
    case 'scope-reduce':
      return { kind, index: r.varint(), records: recordIds(r) };
    case 'deposit-right':
      return { kind, index: r.varint(), allowed: flag(r, 'allowed') };
    case 'close':
      return { kind, newEpoch: newEpoch(r) };
    case 'reopen':
      return { kind };
    case 'rotate': {
      const reason = r.u8();
      if (reason < 1 || reason > 3) bad('unknown rotate reason');
      return { kind, reason: reason as RotateReason, newEpoch: newEpoch(r) };
    }
    case 'record-delete':
      return { kind, records: recordIds(r) };
    case 'recovery-replace':
      return { kind, sigPk: r.bytes(32), boxPk: r.bytes(32), newEpoch: newEpoch(r) };
    case 'relay-repin':
      return { kind, relayOrigin: r.vstr(LIMITS.relayOrigin), relayPk: r.bytes(32) };
  }
}

function decodeUnchecked(bytes: Uint8Array): MemberEntry {
  if (bytes.length > MAX_ENTRY_BYTES) bad('entry over its size limit');
  const r = new ByteReader(bytes);
  if (r.u8() !== ENTRY_VERSION) bad('unknown version');
  if (r.u8() !== ENTRY_TYPE) bad('not a membership entry');
  const kind = MEMBER_KIND_NAMES.get(r.u8());
  if (kind === undefined) bad('unknown kind');
  const seq = r.varint();
  const prev = r.bytes(32);
  const time = u64(r);
  const signer = r.varint();
  const bodyReader = new ByteReader(r.vbytes(MAX_ENTRY_BYTES));
  const body = decodeBody(kind, bodyReader);
  bodyReader.end();
  const signature = r.bytes(64);
  r.end();
  return { seq, prev, time, signer, body, signature };
}

/**
 * Decode one entry. Canonical form is checked twice: by the strict reader while parsing, then by re-encoding
 * the result and comparing bytes (§10.2), so a gap in either cannot let a second encoding through.
 *
 * @throws MembershipError `member_bad_encoding`, and nothing else, whatever the bytes.
 */
export function decodeEntry(bytes: Uint8Array): MemberEntry {
  let entry: MemberEntry;
  let again: Uint8Array;
  try {
    entry = decodeUnchecked(bytes);
    again = encodeEntry(entry);
  } catch (cause) {
    if (cause instanceof MembershipError || isCryptoError(cause, 'not_ready')) throw cause;
    if (isCryptoError(cause, 'bad_encoding'))
      throw new MembershipError('member_bad_encoding', cause.message, { cause });
    throw new MembershipError('member_bad_encoding', 'undecodable entry', { cause });
  }
  if (!equal(again, bytes)) bad('re-encoding differs');
  return entry;
}
