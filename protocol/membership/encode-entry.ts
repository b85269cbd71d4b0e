// PROTOCOL.md §10.1–§10.3: the one encoding of an entry. The encoder refuses what the decoder refuses (wrong
// key sizes, unsorted or duplicated record ids, non-NFC text, out-of-range integers), so a device can never
// sign an entry the validator would then reject as non-canonical.
import { concat, isCryptoError, list, u64be, varint, vbytes, vstr, LIMITS } from '#crypto';
import { MEMBER_KINDS, type MemberBody, type MemberEntry, type NewEpoch, type UnsignedEntry } from './member-entry.ts';
import { MembershipError } from './membership-error.ts';

export const ENTRY_VERSION = 0x01;
export const ENTRY_TYPE = 0x10;

function fixed(bytes: Uint8Array, length: number, field: string): Uint8Array {
  if (bytes.length !== length) throw new MembershipError('member_bad_encoding', `${field} must be ${length} bytes`);
  return bytes;
}

/** u64be of a time or expiry; limited to 2^53 − 1 so that a JavaScript number holds it exactly (§10.2). */
function u64(value: number, field: string): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new MembershipError('member_bad_encoding', `${field} range`);
  return u64be(BigInt(value));
}

function u8(value: number, field: string): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new MembershipError('member_bad_encoding', `${field} range`);
  }
  return Uint8Array.of(value);
}

/** Bytewise order of equal-length ids: negative, zero or positive. */
export function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** `list<record_id>`: a set, so strictly ascending (sorted, no duplicates). */
function recordIds(ids: readonly Uint8Array[]): Uint8Array {
  let previous: Uint8Array | undefined;
  for (const id of ids) {
    fixed(id, 16, 'record id');
    if (previous !== undefined && compareIds(previous, id) >= 0) {
      throw new MembershipError('member_bad_encoding', 'record ids must be sorted and unique');
    }
    previous = id;
  }
  return list(ids);
}

function newEpoch(e: NewEpoch): Uint8Array {
  return concat(varint(e.epoch), fixed(e.commitment, 32, 'epoch commitment'), fixed(e.inboxPk, 32, 'inbox key'));
}

function key(bytes: Uint8Array, field: string): Uint8Array {
  return fixed(bytes, 32, field);
}

/** The kind-specific body bytes (without the vbytes length). */
export function encodeBody(body: MemberBody): Uint8Array {
  switch (body.kind) {
    case 'genesis':
      return concat(
        fixed(body.vaultId, 16, 'vault id'),
        vstr(body.relayOrigin, LIMITS.relayOrigin),
        key(body.relayPk, 'relay key'),
        key(body.recoverySigPk, 'recovery signing key'),
        key(body.recoveryBoxPk, 'recovery box key'),
        key(body.deviceSigPk, 'device signing key'),
        key(body.deviceBoxPk, 'device box key'),
        newEpoch(body.newEpoch),
      );
    case 'device-add':
      return concat(varint(body.person), key(body.sigPk, 'signing key'), key(body.boxPk, 'box key'));
    case 'device-remove':
    case 'revoke':
      return concat(varint(body.index), newEpoch(body.newEpoch));
    case 'assistant-add':
      return concat(key(body.sigPk, 'signing key'), key(body.boxPk, 'box key'));
    case 'assistant-remove':
      return concat(varint(body.person), newEpoch(body.newEpoch));
    case 'link-create': {
      // The verifier is present exactly when a passcode is required: the one optional field of §10.2.
      if (body.maxPasscodeFailures > 0 !== (body.verifier !== null)) {
        throw new MembershipError('member_bad_encoding', 'verifier present iff max_passcode_failures > 0');
      }
      return concat(
        fixed(body.linkId, 16, 'link id'),
        key(body.linkAuthPk, 'link auth key'),
        key(body.linkBoxPk, 'link box key'),
        u64(body.expiresS, 'expires'),
        varint(body.maxUses),
        u8(body.maxPasscodeFailures, 'max passcode failures'),
        body.verifier === null ? new Uint8Array(0) : fixed(body.verifier, 32, 'verifier'),
        Uint8Array.of(body.deposit ? 1 : 0),
        recordIds(body.scope),
      );
    }
    case 'link-claim':
      return concat(
        varint(body.linkIndex),
        key(body.proSigPk, 'professional signing key'),
        key(body.proBoxPk, 'professional box key'),
        fixed(body.linkSig, 64, 'link signature'),
      );
    case 'share-update':
      return concat(varint(body.index), u64(body.expiresS, 'expires'), varint(body.maxUses));
    case 'scope-extend':
    case 'scope-reduce':
      return concat(varint(body.index), recordIds(body.records));
    case 'deposit-right':
      return concat(varint(body.index), Uint8Array.of(body.allowed ? 1 : 0));
    case 'close':
      return newEpoch(body.newEpoch);
    case 'reopen':
      return new Uint8Array(0);
    case 'rotate':
      return concat(u8(body.reason, 'reason'), newEpoch(body.newEpoch));
    case 'record-delete':
      return recordIds(body.records);
    case 'recovery-replace':
      return concat(key(body.sigPk, 'signing key'), key(body.boxPk, 'box key'), newEpoch(body.newEpoch));
    case 'relay-repin':
      return concat(vstr(body.relayOrigin, LIMITS.relayOrigin), key(body.relayPk, 'relay key'));
  }
}

/** Everything the entry signature covers after `vault_id`: the entry bytes without the signature. */
export function encodeUnsignedEntry(entry: UnsignedEntry): Uint8Array {
  try {
    return concat(
      Uint8Array.of(ENTRY_VERSION, ENTRY_TYPE, MEMBER_KINDS[entry.body.kind]),
      varint(entry.seq),
      fixed(entry.prev, 32, 'prev'),
      u64(entry.time, 'time'),
      varint(entry.signer),
      vbytes(encodeBody(entry.body)),
    );
  } catch (cause) {
    // crypto/'s encoders throw CryptoError('bad_encoding') for out-of-range varints and non-NFC text.
    if (isCryptoError(cause, 'bad_encoding'))
      throw new MembershipError('member_bad_encoding', cause.message, { cause });
    throw cause;
  }
}

/** The full entry: unsigned bytes ‖ signature (64). */
export function encodeEntry(entry: MemberEntry): Uint8Array {
  return concat(encodeUnsignedEntry(entry), fixed(entry.signature, 64, 'signature'));
}
