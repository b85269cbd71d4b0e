/**
 * Writes tests/fixtures/vectors/attachment.json, attachment-150000.blob and link.json (PROTOCOL.md §23) from
 * fixed inputs. Link vectors are fully deterministic. A secretstream header cannot be injected, so the blob is
 * encrypted once with a fresh header and the vector goes in the opening direction: a second implementation
 * must open the committed blob to the expected plaintext and blob id, and refuse each invalid variant.
 *
 * Usage: npx tsx tests/crypto/vectors/write-attachment-link-vectors.ts   (rewrites the blob: new header)
 */
import fs from 'node:fs';
import path from 'node:path';
import { encryptAttachment } from '#crypto/attachment-stream';
import { ready } from '#crypto/sodium';
import {
  linkVectorInputs,
  attachmentVectorInputs,
  attachmentPlaintext,
  linkExpected,
} from './attachment-link-inputs.ts';

const dir = path.resolve('tests/fixtures/vectors');
const s = await ready();
fs.mkdirSync(dir, { recursive: true });

const input = attachmentVectorInputs();
const context = { vaultId: input.vaultId, recordId: input.recordId, fileId: input.fileId, size: input.size };
const plain = attachmentPlaintext(input.size);

async function encrypt(key: Uint8Array, fileId: Uint8Array): Promise<{ chunks: Uint8Array[]; blobId: Uint8Array }> {
  const blob = encryptAttachment([plain], key, { ...context, fileId });
  const chunks: Uint8Array[] = [];
  for await (const chunk of blob) chunks.push(chunk);
  return { chunks, blobId: blob.blobId() };
}

const { chunks, blobId } = await encrypt(input.key, input.fileId);
// The chunk of another file (its own key and file id) at the same index, for the swap variant.
const other = await encrypt(input.otherKey, input.otherFileId);
const blob = Buffer.concat(chunks);
fs.writeFileSync(path.join(dir, 'attachment-150000.blob'), blob);

const hex = (b: Uint8Array) => s.to_hex(b);
const offsets = chunks.reduce<number[]>((acc, c) => [...acc, (acc.at(-1) ?? 0) + c.length], [0]).slice(1, -1);
const attachment = {
  description:
    'PROTOCOL.md §9: a 150,000-byte file (byte i = i mod 251) as an attachment blob in 3 chunks (65536, 65536, 18928 bytes of plaintext). ' +
    'Open attachment-150000.blob with the key and context: the plaintext must hash (BLAKE2b-256, unkeyed) to plaintextHash and the blob to blobId. ' +
    'Each invalid case names an operation on the blob (or the context) and the CryptoError code the opener must give.',
  inputs: {
    key: hex(input.key),
    vaultId: hex(input.vaultId),
    recordId: hex(input.recordId),
    fileId: hex(input.fileId),
    size: input.size,
    plaintext: 'byte i = i mod 251',
    blobFile: 'attachment-150000.blob',
  },
  expected: {
    blobSize: blob.length,
    chunkBoundaries: offsets,
    blobId: hex(blobId),
    plaintextHash: hex(s.crypto_generichash(32, plain, null)),
    adOfChunk0: hex(adOf(0)),
  },
  invalid: [
    ...[0, 1, 25, ...offsets, blob.length - 1].map((at) => ({
      description: `truncated to ${at} bytes`,
      operation: { truncate: at },
      code: 'stream_truncated',
    })),
    { description: 'chunks 0 and 1 swapped', operation: { swapChunks: [0, 1] }, code: 'stream_bad_chunk' },
    {
      description: 'chunk 0 repeated in place of chunk 1',
      operation: { copyChunk: { from: 0, to: 1 } },
      code: 'stream_bad_chunk',
    },
    {
      description: 'final chunk replaced by the final chunk of another file (otherKey, otherFileId, same size)',
      operation: { replaceChunk: { index: 2, withHex: hex(other.chunks[3] ?? new Uint8Array()) } },
      code: 'stream_bad_chunk',
    },
    { description: 'one byte appended', operation: { appendHex: '00' }, code: 'stream_trailing' },
    { description: 'version byte flipped', operation: { flipBit: 0 }, code: 'unknown_version' },
    { description: 'type byte flipped', operation: { flipBit: 8 }, code: 'unknown_type' },
    { description: 'a header bit flipped', operation: { flipBit: 100 }, code: 'stream_bad_chunk' },
    {
      description: 'a bit flipped inside chunk 1',
      operation: { flipBit: (26 + 65553 + 4000) * 8 + 3 },
      code: 'stream_bad_chunk',
    },
    {
      description: 'a bit of the final chunk tag byte flipped',
      operation: { flipBit: (offsets[1] ?? 0) * 8 },
      code: 'stream_bad_chunk',
    },
    {
      description: 'opened under another file id',
      operation: { context: { fileId: hex(input.otherFileId) } },
      code: 'stream_bad_chunk',
    },
    {
      description: 'opened with a size one byte smaller',
      operation: { context: { size: input.size - 1 } },
      code: 'stream_bad_chunk',
    },
    {
      description: 'opened with the other key',
      operation: { context: { key: hex(input.otherKey) } },
      code: 'stream_bad_chunk',
    },
  ],
  otherKey: hex(input.otherKey),
  otherFileId: hex(input.otherFileId),
};
fs.writeFileSync(path.join(dir, 'attachment.json'), JSON.stringify(attachment, null, 2) + '\n');

const link = { description: '', ...linkExpected(linkVectorInputs()) };
link.description =
  'PROTOCOL.md §14.1, §4.3: link secret L -> URL fragment (c1 + Crockford base32 of L ‖ check), checksum, link id, ' +
  'link box key pair, PVK, the verifier for passcode 4711, link auth key pair, LMK. `accepted` texts must parse to L; ' +
  'each `invalid` text must be refused with its code before any request.';
fs.writeFileSync(path.join(dir, 'link.json'), JSON.stringify(link, null, 2) + '\n');
console.log(
  `wrote attachment.json (${attachment.invalid.length} invalid cases), attachment-150000.blob (${blob.length} bytes), link.json (${link.invalid.length} invalid cases)`,
);

function adOf(i: number): Uint8Array {
  const tag = new TextEncoder().encode('carnet/v1/ad/attachment');
  const out = new Uint8Array(1 + tag.length + 2 + 48 + 12);
  const view = new DataView(out.buffer);
  out[0] = tag.length;
  out.set(tag, 1);
  out.set([1, 0x20], 1 + tag.length);
  out.set(input.vaultId, 3 + tag.length);
  out.set(input.recordId, 19 + tag.length);
  out.set(input.fileId, 35 + tag.length);
  view.setBigUint64(51 + tag.length, BigInt(input.size));
  view.setUint32(59 + tag.length, i);
  return out;
}
