import { ByteReader, concat, list, u64be, U53_MAX, varint, vbytes } from '#crypto/bytes';
import { CLIENT_FRAME } from './frame-types.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

/**
 * Client -> relay frames of PROTOCOL.md §12.2 as typed values. Frames for later issues (pairing, links,
 * access log, deposits) are listed in frame-types.ts; the relay answers them `unknown_frame` until built.
 */
export type ClientFrame =
  | { type: 'AUTH'; vaultId: Uint8Array; principal: number; time: bigint; sig: Uint8Array }
  | {
      type: 'VAULT_CREATE';
      time: bigint;
      sig: Uint8Array;
      genesis: Uint8Array;
      wraps: Uint8Array[];
      indexSnapshot: Uint8Array;
    }
  | { type: 'MEMBER_GET'; sinceSeq: number }
  | {
      type: 'MEMBER_APPEND';
      entries: Uint8Array[];
      wraps: Uint8Array[];
      keyboxes: { share: number; keybox: Uint8Array }[];
    }
  | { type: 'WRAP_GET'; fromEpoch: number }
  | { type: 'SYNC'; sinceRv: number; live: boolean; scope: Uint8Array[] }
  | { type: 'PUSH'; recordId: Uint8Array; updates: Uint8Array[] }
  | { type: 'SNAPSHOT_PUT'; recordId: Uint8Array; baseRv: number; snapshot: Uint8Array }
  | { type: 'FETCH'; recordId: Uint8Array; author: number; fromSeq: number; toSeq: number }
  | { type: 'PRESENCE'; recordId: Uint8Array; epoch: number; nonce: Uint8Array; ciphertext: Uint8Array }
  | { type: 'UNSUBSCRIBE'; recordIds: Uint8Array[] }
  | { type: 'BLOB_PUT'; blobId: Uint8Array; recordId: Uint8Array; size: bigint }
  | { type: 'BLOB_CHUNK'; blobId: Uint8Array; offset: bigint; bytes: Uint8Array }
  | { type: 'BLOB_GET'; blobId: Uint8Array; offset: bigint };

export type ClientFrameType = ClientFrame['type'];

const ids16 = (r: ByteReader): Uint8Array[] => readList(r, () => r.bytes(16));
const vbytesList = (r: ByteReader, max: number): Uint8Array[] => readList(r, () => r.vbytes(max));

function readList<T>(r: ByteReader, item: () => T): T[] {
  const n = r.varint();
  if (n > WIRE_LIMITS.listItems || n > r.remaining) throw new RangeError('list too long');
  return Array.from({ length: n }, item);
}

/** Decodes a payload of a known client frame type; throws (CryptoError bad_encoding or RangeError) otherwise. */
export function decodeClientPayload(type: number, payload: Uint8Array): ClientFrame | undefined {
  const r = new ByteReader(payload);
  let frame: ClientFrame;
  switch (type) {
    case CLIENT_FRAME.AUTH:
      frame = { type: 'AUTH', vaultId: r.bytes(16), principal: r.varint(), time: r.u64be(), sig: r.bytes(64) };
      break;
    case CLIENT_FRAME.VAULT_CREATE:
      frame = {
        type: 'VAULT_CREATE',
        time: r.u64be(),
        sig: r.bytes(64),
        genesis: r.vbytes(WIRE_LIMITS.entryBytes),
        wraps: vbytesList(r, WIRE_LIMITS.entryBytes),
        indexSnapshot: r.vbytes(WIRE_LIMITS.snapshotEnvelopeBytes),
      };
      break;
    case CLIENT_FRAME.MEMBER_GET:
      frame = { type: 'MEMBER_GET', sinceSeq: r.varint() };
      break;
    case CLIENT_FRAME.MEMBER_APPEND:
      frame = {
        type: 'MEMBER_APPEND',
        entries: vbytesList(r, WIRE_LIMITS.entryBytes),
        wraps: vbytesList(r, WIRE_LIMITS.entryBytes),
        keyboxes: readList(r, () => ({ share: r.varint(), keybox: r.vbytes(WIRE_LIMITS.entryBytes) })),
      };
      break;
    case CLIENT_FRAME.WRAP_GET:
      frame = { type: 'WRAP_GET', fromEpoch: r.varint() };
      break;
    case CLIENT_FRAME.SYNC: {
      const sinceRv = r.varint(U53_MAX);
      const live = r.u8();
      if (live > 1) throw new RangeError('live is a boolean');
      frame = { type: 'SYNC', sinceRv, live: live === 1, scope: ids16(r) };
      break;
    }
    case CLIENT_FRAME.PUSH:
      frame = { type: 'PUSH', recordId: r.bytes(16), updates: vbytesList(r, WIRE_LIMITS.envelopeBytes) };
      break;
    case CLIENT_FRAME.SNAPSHOT_PUT:
      frame = {
        type: 'SNAPSHOT_PUT',
        recordId: r.bytes(16),
        baseRv: r.varint(U53_MAX),
        snapshot: r.vbytes(WIRE_LIMITS.snapshotEnvelopeBytes),
      };
      break;
    case CLIENT_FRAME.FETCH:
      frame = { type: 'FETCH', recordId: r.bytes(16), author: r.varint(), fromSeq: r.varint(), toSeq: r.varint() };
      break;
    case CLIENT_FRAME.PRESENCE: {
      const recordId = r.bytes(16);
      const epoch = r.varint();
      const nonce = r.bytes(24);
      if (r.remaining > WIRE_LIMITS.presenceBytes) throw new RangeError('presence too large');
      frame = { type: 'PRESENCE', recordId, epoch, nonce, ciphertext: r.rest() };
      break;
    }
    case CLIENT_FRAME.UNSUBSCRIBE:
      frame = { type: 'UNSUBSCRIBE', recordIds: ids16(r) };
      break;
    case CLIENT_FRAME.BLOB_PUT:
      frame = { type: 'BLOB_PUT', blobId: r.bytes(32), recordId: r.bytes(16), size: r.u64be() };
      break;
    case CLIENT_FRAME.BLOB_CHUNK: {
      const blobId = r.bytes(32);
      const offset = r.u64be();
      if (r.remaining > WIRE_LIMITS.blobChunkBytes) throw new RangeError('chunk too large');
      frame = { type: 'BLOB_CHUNK', blobId, offset, bytes: r.rest() };
      break;
    }
    case CLIENT_FRAME.BLOB_GET:
      frame = { type: 'BLOB_GET', blobId: r.bytes(32), offset: r.u64be() };
      break;
    default:
      return undefined;
  }
  r.end();
  return frame;
}

/** Encodes a client frame's payload (clients and tests; the relay only decodes). */
export function encodeClientPayload(frame: ClientFrame): Uint8Array {
  switch (frame.type) {
    case 'AUTH':
      return concat(frame.vaultId, varint(frame.principal), u64be(frame.time), frame.sig);
    case 'VAULT_CREATE':
      return concat(
        u64be(frame.time),
        frame.sig,
        vbytes(frame.genesis),
        list(frame.wraps.map(vbytes)),
        vbytes(frame.indexSnapshot),
      );
    case 'MEMBER_GET':
      return varint(frame.sinceSeq);
    case 'MEMBER_APPEND':
      return concat(
        list(frame.entries.map(vbytes)),
        list(frame.wraps.map(vbytes)),
        list(frame.keyboxes.map((k) => concat(varint(k.share), vbytes(k.keybox)))),
      );
    case 'WRAP_GET':
      return varint(frame.fromEpoch);
    case 'SYNC':
      return concat(varint(frame.sinceRv, U53_MAX), new Uint8Array([frame.live ? 1 : 0]), list(frame.scope));
    case 'PUSH':
      return concat(frame.recordId, list(frame.updates.map(vbytes)));
    case 'SNAPSHOT_PUT':
      return concat(frame.recordId, varint(frame.baseRv, U53_MAX), vbytes(frame.snapshot));
    case 'FETCH':
      return concat(frame.recordId, varint(frame.author), varint(frame.fromSeq), varint(frame.toSeq));
    case 'PRESENCE':
      return concat(frame.recordId, varint(frame.epoch), frame.nonce, frame.ciphertext);
    case 'UNSUBSCRIBE':
      return list(frame.recordIds);
    case 'BLOB_PUT':
      return concat(frame.blobId, frame.recordId, u64be(frame.size));
    case 'BLOB_CHUNK':
      return concat(frame.blobId, u64be(frame.offset), frame.bytes);
    case 'BLOB_GET':
      return concat(frame.blobId, u64be(frame.offset));
  }
}
