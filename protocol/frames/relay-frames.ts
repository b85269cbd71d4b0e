import { ByteReader, concat, list, u64be, U53_MAX, varint, vbytes } from '#crypto/bytes';
import { RELAY_FRAME } from './frame-types.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

/** One record's envelopes inside a RECORDS frame. */
export interface RecordGroup {
  recordId: Uint8Array;
  envelopes: Uint8Array[];
}

/** Relay -> client frames of PROTOCOL.md §12.2 that the relay core sends. */
export type RelayFrame =
  | { type: 'ACK'; value: number }
  | { type: 'MEMBER_ENTRIES'; more: boolean; entries: Uint8Array[] }
  | { type: 'WRAPS'; wraps: Uint8Array[] }
  | { type: 'RECORDS'; rv: number; groups: RecordGroup[] }
  | { type: 'SYNC_DONE'; rv: number }
  | {
      type: 'PRESENCE_FWD';
      recordId: Uint8Array;
      sender: number;
      epoch: number;
      nonce: Uint8Array;
      ciphertext: Uint8Array;
    }
  | { type: 'BLOB_DATA'; blobId: Uint8Array; offset: bigint; final: boolean; bytes: Uint8Array }
  | { type: 'NOTICE'; kind: number; value: number; recordId?: Uint8Array }
  | { type: 'SESSION'; principal: number; headSeq: number; headHash: Uint8Array; epoch: number; currentRv: number };

export function encodeRelayPayload(frame: RelayFrame): Uint8Array {
  switch (frame.type) {
    case 'ACK':
      return varint(frame.value, U53_MAX);
    case 'MEMBER_ENTRIES':
      return concat(new Uint8Array([frame.more ? 1 : 0]), list(frame.entries.map(vbytes)));
    case 'WRAPS':
      return list(frame.wraps.map(vbytes));
    case 'RECORDS':
      return concat(
        varint(frame.rv, U53_MAX),
        list(frame.groups.map((g) => concat(g.recordId, list(g.envelopes.map(vbytes))))),
      );
    case 'SYNC_DONE':
      return varint(frame.rv, U53_MAX);
    case 'PRESENCE_FWD':
      return concat(frame.recordId, varint(frame.sender), varint(frame.epoch), frame.nonce, frame.ciphertext);
    case 'BLOB_DATA':
      return concat(frame.blobId, u64be(frame.offset), new Uint8Array([frame.final ? 1 : 0]), frame.bytes);
    case 'NOTICE':
      return concat(new Uint8Array([frame.kind]), varint(frame.value, U53_MAX), frame.recordId ?? new Uint8Array(0));
    case 'SESSION':
      return concat(
        varint(frame.principal),
        varint(frame.headSeq),
        frame.headHash,
        varint(frame.epoch),
        varint(frame.currentRv, U53_MAX),
      );
  }
}

export function relayFrameType(frame: RelayFrame): number {
  return RELAY_FRAME[frame.type];
}

function readList<T>(r: ByteReader, item: () => T): T[] {
  const n = r.varint();
  if (n > WIRE_LIMITS.listItems * 10 || n > r.remaining) throw new RangeError('list too long');
  return Array.from({ length: n }, item);
}

function flag(r: ByteReader): boolean {
  const b = r.u8();
  if (b > 1) throw new RangeError('flag is a boolean');
  return b === 1;
}

/** Decodes a relay frame's payload (the client side of the wire; tests use it too). */
export function decodeRelayPayload(type: number, payload: Uint8Array): RelayFrame | undefined {
  const r = new ByteReader(payload);
  let frame: RelayFrame;
  switch (type) {
    case RELAY_FRAME.ACK:
      frame = { type: 'ACK', value: r.varint(U53_MAX) };
      break;
    case RELAY_FRAME.MEMBER_ENTRIES:
      frame = { type: 'MEMBER_ENTRIES', more: flag(r), entries: readList(r, () => r.vbytes(WIRE_LIMITS.entryBytes)) };
      break;
    case RELAY_FRAME.WRAPS:
      frame = { type: 'WRAPS', wraps: readList(r, () => r.vbytes(WIRE_LIMITS.entryBytes)) };
      break;
    case RELAY_FRAME.RECORDS:
      frame = {
        type: 'RECORDS',
        rv: r.varint(U53_MAX),
        groups: readList(r, () => ({
          recordId: r.bytes(16),
          envelopes: readList(r, () => r.vbytes(WIRE_LIMITS.snapshotEnvelopeBytes)),
        })),
      };
      break;
    case RELAY_FRAME.SYNC_DONE:
      frame = { type: 'SYNC_DONE', rv: r.varint(U53_MAX) };
      break;
    case RELAY_FRAME.PRESENCE_FWD:
      frame = {
        type: 'PRESENCE_FWD',
        recordId: r.bytes(16),
        sender: r.varint(),
        epoch: r.varint(),
        nonce: r.bytes(24),
        ciphertext: r.rest(),
      };
      break;
    case RELAY_FRAME.BLOB_DATA:
      frame = { type: 'BLOB_DATA', blobId: r.bytes(32), offset: r.u64be(), final: flag(r), bytes: r.rest() };
      break;
    case RELAY_FRAME.NOTICE: {
      const kind = r.u8();
      const value = r.varint(U53_MAX);
      frame = { type: 'NOTICE', kind, value, ...(r.remaining > 0 ? { recordId: r.bytes(16) } : {}) };
      break;
    }
    case RELAY_FRAME.SESSION:
      frame = {
        type: 'SESSION',
        principal: r.varint(),
        headSeq: r.varint(),
        headHash: r.bytes(32),
        epoch: r.varint(),
        currentRv: r.varint(U53_MAX),
      };
      break;
    default:
      return undefined;
  }
  r.end();
  return frame;
}
