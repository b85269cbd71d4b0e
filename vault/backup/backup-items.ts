// PROTOCOL.md §18.6: the plaintext of a backup is a sequence of items `u8 kind ‖ varint length ‖ body`. This
// file encodes and decodes the bodies; the reader cuts items out of the decrypted stream.
import { ByteReader, concat, list, u64be, varint, vstr, type ChunkReader } from '#crypto';
import { VaultError } from '../records/vault-error.ts';

export const ITEM = {
  manifest: 0x01,
  membership: 0x02,
  access: 0x03,
  envelope: 0x04,
  file: 0x05,
  blobRow: 0x06,
  settings: 0x07,
  end: 0x7f,
} as const;
export type ItemKind = (typeof ITEM)[keyof typeof ITEM];

/** No item body is larger: an envelope is ≤ 4 MiB (§22.6), a blob row 16 chunks of 65,553 bytes. */
export const ITEM_MAX_BYTES = 5 * 1024 * 1024;

export interface Manifest {
  readonly fromDevice: number;
  readonly relayOrigin: string;
  readonly relayPk: Uint8Array;
  readonly h0: Uint8Array;
  readonly memberHeadSeq: number;
  readonly memberHeadHash: Uint8Array;
  readonly accessHeadSeq: number;
  readonly accessHeadHash: Uint8Array;
  readonly keyring: readonly Uint8Array[];
}

export interface FileItem {
  readonly fileId: Uint8Array;
  readonly recordId: Uint8Array;
  readonly size: number;
  readonly chunks: number;
  readonly blobId: Uint8Array;
}

/** How many items of each counted kind, and the blob bytes: the end item, checked on restore. */
export interface Counts {
  membership: number;
  access: number;
  envelopes: number;
  files: number;
  blobRows: number;
  blobBytes: number;
}

export const emptyCounts = (): Counts => ({
  membership: 0,
  access: 0,
  envelopes: 0,
  files: 0,
  blobRows: 0,
  blobBytes: 0,
});

export function item(kind: ItemKind, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(kind), varint(body.length), body);
}

export function encodeManifest(m: Manifest): Uint8Array {
  return concat(
    varint(m.fromDevice),
    vstr(m.relayOrigin, 255),
    m.relayPk,
    m.h0,
    varint(m.memberHeadSeq),
    m.memberHeadHash,
    varint(m.accessHeadSeq),
    m.accessHeadHash,
    list(m.keyring),
  );
}

export function decodeManifest(body: Uint8Array): Manifest {
  const r = new ByteReader(body);
  const fromDevice = r.varint();
  const relayOrigin = r.vstr(255);
  const relayPk = r.bytes(32);
  const h0 = r.bytes(32);
  const memberHeadSeq = r.varint();
  const memberHeadHash = r.bytes(32);
  const accessHeadSeq = r.varint();
  const accessHeadHash = r.bytes(32);
  const count = r.varint(100_000);
  const keyring: Uint8Array[] = [];
  for (let i = 0; i < count; i++) keyring.push(r.bytes(32));
  r.end();
  if (keyring.length === 0) throw new VaultError('backup_damaged', 'the backup holds no epoch secret');
  return {
    fromDevice,
    relayOrigin,
    relayPk,
    h0,
    memberHeadSeq,
    memberHeadHash,
    accessHeadSeq,
    accessHeadHash,
    keyring,
  };
}

export function encodeEnvelope(recordId: Uint8Array, rv: number, bytes: Uint8Array): Uint8Array {
  return concat(recordId, varint(rv, Number.MAX_SAFE_INTEGER), bytes);
}

export function decodeEnvelope(body: Uint8Array): { recordId: Uint8Array; rv: number; bytes: Uint8Array } {
  const r = new ByteReader(body);
  return { recordId: r.bytes(16), rv: r.varint(Number.MAX_SAFE_INTEGER), bytes: r.rest() };
}

export function encodeFile(f: FileItem): Uint8Array {
  return concat(f.fileId, f.recordId, u64be(BigInt(f.size)), varint(f.chunks), f.blobId);
}

export function decodeFile(body: Uint8Array): FileItem {
  const r = new ByteReader(body);
  const fileId = r.bytes(16);
  const recordId = r.bytes(16);
  const size = r.u64be();
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new VaultError('backup_damaged', 'a file size is out of range');
  const chunks = r.varint();
  const blobId = r.bytes(32);
  r.end();
  return { fileId, recordId, size: Number(size), chunks, blobId };
}

export function encodeBlobRow(fileId: Uint8Array, index: number, bytes: Uint8Array): Uint8Array {
  return concat(fileId, varint(index), bytes);
}

export function decodeBlobRow(body: Uint8Array): { fileId: Uint8Array; index: number; bytes: Uint8Array } {
  const r = new ByteReader(body);
  return { fileId: r.bytes(16), index: r.varint(), bytes: r.rest() };
}

export function encodeEnd(c: Counts): Uint8Array {
  return concat(
    varint(c.membership),
    varint(c.access),
    varint(c.envelopes),
    varint(c.files),
    varint(c.blobRows),
    u64be(BigInt(c.blobBytes)),
  );
}

export function decodeEnd(body: Uint8Array): Counts {
  const r = new ByteReader(body);
  const counts = {
    membership: r.varint(),
    access: r.varint(),
    envelopes: r.varint(),
    files: r.varint(),
    blobRows: r.varint(),
    blobBytes: Number(r.u64be()),
  };
  r.end();
  return counts;
}

/** The next item of the decrypted stream, or null at its end; `backup_damaged` for a cut or oversized item. */
export async function readItem(reader: ChunkReader): Promise<{ kind: number; body: Uint8Array } | null> {
  if (await reader.atEnd()) return null;
  const kind = (await reader.read(1))[0];
  let length = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    const byte = (await reader.read(1))[0];
    if (byte === undefined || i > 3) throw new VaultError('backup_damaged', 'an item length is cut or too long');
    length += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) break;
    scale *= 0x80;
  }
  if (kind === undefined || length > ITEM_MAX_BYTES) throw new VaultError('backup_damaged', 'an item is too large');
  // A copy: the reader's views are only valid until its next read.
  const body = (await reader.read(length)).slice();
  if (body.length !== length) throw new VaultError('backup_damaged', 'an item is cut');
  return { kind, body };
}
