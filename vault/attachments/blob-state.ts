// The value of a `blobState` row (docs/PROTOCOL.md §18.1), sealed as an LSK row under the table name and the
// row's key (the file id hex), so a row copied to another file or edited fails to open. The record id is also
// inside the sealed value: the clear `recordId` column is only an index and is checked against it.
import { VaultError } from '../records/vault-error.ts';

/** What the device knows about the stored chunks of one attachment. */
export interface BlobState {
  /** Plaintext size in bytes. */
  readonly size: number;
  /** Number of secretstream chunks (the `blobs` rows hold 16 each). */
  readonly chunks: number;
  /** Every chunk is written: set in the same transaction as the last chunk. */
  readonly complete: boolean;
  /** The relay holds the blob (set by sync; false until then). */
  readonly uploaded: boolean;
  /** Record id, 16 bytes. */
  readonly recordId: Uint8Array;
  /** `blob_id` (§9), 32 bytes: the content address the relay stores the blob under. */
  readonly blobId: Uint8Array;
}

const FORMAT = 1;
const COMPLETE = 1;
const UPLOADED = 2;
/** format (1) ‖ flags (1) ‖ u64be size ‖ u32be chunks ‖ record id (16) ‖ blob id (32). */
const LENGTH = 1 + 1 + 8 + 4 + 16 + 32;

export function encodeBlobState(state: BlobState): Uint8Array {
  const bytes = new Uint8Array(LENGTH);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, FORMAT);
  view.setUint8(1, (state.complete ? COMPLETE : 0) | (state.uploaded ? UPLOADED : 0));
  view.setBigUint64(2, BigInt(state.size));
  view.setUint32(10, state.chunks);
  bytes.set(state.recordId, 14);
  bytes.set(state.blobId, 30);
  return bytes;
}

/** Parses an opened row value; `tampered_row` when it is not one this code wrote (only LSK holders can seal). */
export function decodeBlobState(bytes: Uint8Array): BlobState {
  if (bytes.length !== LENGTH || bytes[0] !== FORMAT) {
    throw new VaultError('tampered_row', 'a blobState value has the wrong length or format');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint8(1);
  const size = view.getBigUint64(2);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new VaultError('tampered_row', 'a blobState size is out of range');
  return {
    size: Number(size),
    chunks: view.getUint32(10),
    complete: (flags & COMPLETE) !== 0,
    uploaded: (flags & UPLOADED) !== 0,
    recordId: bytes.slice(14, 30),
    blobId: bytes.slice(30, 62),
  };
}
