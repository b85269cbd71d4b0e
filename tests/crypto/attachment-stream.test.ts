// PROTOCOL.md §9 and THREAT_MODEL.md §9: the attachment stream round-trips any size with any input chunking,
// and a relay that truncates, reorders, swaps or flips bits is always caught with the right CryptoError code.
// Every tampered case is paired with its untampered control, and yielded plaintext is always a genuine prefix.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACHMENT_CHUNK_BYTES,
  ATTACHMENT_PREFIX_BYTES,
  attachmentBlobSize,
  decryptAttachment,
  encryptAttachment,
} from '#crypto/attachment-stream';
import { toReadableStream } from '#crypto/chunk-reader';
import { CryptoError } from '#crypto/crypto-error';
import { ready, sodium } from '#crypto/sodium';
import {
  attachmentSize,
  context,
  decryptAll,
  encryptToChunks,
  join,
  LONG,
  recut,
  sameBytes,
  seededBytes,
  testSeed,
  type Outcome,
} from './stream-support.ts';

beforeAll(async () => {
  await ready();
});

const KEY = new Uint8Array(32).fill(0x42);
// Thousands of decryptions, each with its control: minutes on a loaded 2-core machine, far more in long mode.
const FLIP_TIMEOUT = LONG ? 3_600_000 : 600_000;

/** A genuine prefix of the plaintext and nothing more: no partial or forged plaintext ever leaves. */
function expectRejected(outcome: Outcome, code: string | readonly string[], plain: Uint8Array): void {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  if (typeof code === 'string') expect(outcome.code).toBe(code);
  else expect(code).toContain(outcome.code);
  expect(outcome.yielded.length % ATTACHMENT_CHUNK_BYTES).toBe(0);
  expect(sameBytes(outcome.yielded, plain.subarray(0, outcome.yielded.length))).toBe(true);
}

async function expectControl(chunks: readonly Uint8Array[], plain: Uint8Array, size = plain.length): Promise<void> {
  const control = await decryptAll(chunks, KEY, context(size));
  expect(control.ok).toBe(true);
  if (control.ok) expect(sameBytes(control.plain, plain)).toBe(true);
}

describe('attachment stream', () => {
  it(
    'round-trips any size with any input and output chunking (property)',
    async () => {
      const seed = testSeed('attachment round trip');
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(
          attachmentSize,
          fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 6 }),
          fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 6 }),
          fc.boolean(),
          async (size, inCuts, outCuts, asWebStream) => {
            cases++;
            const plain = seededBytes(size, size + inCuts.length);
            const ctx = context(size);
            const pieces = [...recut(plain, inCuts)];
            const encrypted = encryptAttachment(asWebStream ? toReadableStream(asAsync(pieces)) : pieces, KEY, ctx);
            const blobChunks: Uint8Array[] = [];
            for await (const chunk of encrypted) blobChunks.push(chunk);
            const blob = join(blobChunks);
            expect(blob.length).toBe(attachmentBlobSize(size));
            const recutBlob = [...recut(blob, outCuts)];
            const outcome = await decryptAll(
              asWebStream ? toReadableStream(asAsync(recutBlob)) : recutBlob,
              KEY,
              ctx,
              encrypted.blobId(),
            );
            expect(outcome.ok && sameBytes(outcome.plain, plain)).toBe(true);
          },
        ),
        { seed, numRuns: LONG ? 2_000 : 120 },
      );
      console.log(`attachment round trip: ${cases} cases`);
    },
    FLIP_TIMEOUT,
  );

  it('rejects a stream truncated at every chunk boundary', async () => {
    for (const size of [0, 65_536, 3 * 65_536, 5 * 65_536 + 1000]) {
      const plain = seededBytes(size, size);
      const { chunks } = await encryptToChunks(plain, KEY, context(size));
      const blob = join(chunks);
      // Every boundary: nothing, inside the prefix, after the prefix, after each chunk but the last; and a
      // cut one byte before each boundary (inside a chunk) for good measure.
      const cuts = new Set<number>([0, 1, 25]);
      let boundary = 0;
      for (const chunk of chunks.slice(0, -1)) {
        boundary += chunk.length;
        cuts.add(boundary);
        cuts.add(boundary - 1);
        cuts.add(boundary + 1);
      }
      cuts.add(blob.length - 1);
      for (const cut of cuts) {
        await expectControl(chunks, plain);
        expectRejected(await decryptAll([blob.subarray(0, cut)], KEY, context(size)), 'stream_truncated', plain);
      }
      console.log(`truncation, ${size} bytes: ${cuts.size} cuts (${chunks.length - 1} chunks), all stream_truncated`);
    }
  });

  it('rejects a stream cut at a boundary even when the size is cut to match', async () => {
    // The size comes from signed record content, but if it were wrong too, the AD still names the true size.
    const size = 3 * 65_536 + 10;
    const plain = seededBytes(size, 7);
    const { chunks } = await encryptToChunks(plain, KEY, context(size));
    for (let keep = 1; keep < chunks.length - 1; keep++) {
      await expectControl(chunks, plain);
      const shorter = keep * ATTACHMENT_CHUNK_BYTES;
      const outcome = await decryptAll(chunks.slice(0, keep + 1), KEY, context(shorter));
      expectRejected(outcome, 'stream_bad_chunk', plain);
    }
  });

  it('rejects reordered chunks', async () => {
    let cases = 0;
    for (const size of [4 * 65_536, 4 * 65_536 + 500]) {
      const plain = seededBytes(size, size);
      const { chunks } = await encryptToChunks(plain, KEY, context(size));
      const n = chunks.length;
      for (let i = 1; i < n; i++) {
        for (let j = 1; j < n; j++) {
          if (i === j) continue;
          // A swap of two chunks, and chunk i moved to j (a duplicate replacing a genuine one).
          for (const reordered of [swap(chunks, i, j), replace(chunks, j, chunks[i])]) {
            await expectControl(chunks, plain);
            // Moving the short final chunk changes where chunks start, so the blob may also run out early.
            const sameLengths = reordered.every((c, k) => c.length === chunks[k]?.length);
            const codes = sameLengths ? 'stream_bad_chunk' : ['stream_bad_chunk', 'stream_truncated'];
            expectRejected(await decryptAll(reordered, KEY, context(size)), codes, plain);
            cases++;
          }
        }
      }
      // Reversed order of all chunks, and the final chunk dropped and replaced by a replayed earlier one.
      await expectControl(chunks, plain);
      expectRejected(
        await decryptAll([chunks[0] ?? new Uint8Array(), ...chunks.slice(1).reverse()], KEY, context(size)),
        'stream_bad_chunk',
        plain,
      );
      cases++;
    }
    console.log(`reordering: ${cases} cases, all rejected`);
  });

  it('rejects a chunk swapped in from another file', async () => {
    const size = 3 * 65_536 + 300;
    const plain = seededBytes(size, 1);
    const { chunks } = await encryptToChunks(plain, KEY, context(size));
    // Other files: same key and context but another file id; another key; another record; another vault; the
    // same bytes encrypted again (a fresh header, so a fresh stream key).
    const others = [
      await encryptToChunks(plain, KEY, context(size, 0xf2)),
      await encryptToChunks(plain, new Uint8Array(32).fill(0x43), context(size)),
      await encryptToChunks(plain, KEY, { ...context(size), recordId: new Uint8Array(16).fill(0xb2) }),
      await encryptToChunks(plain, KEY, { ...context(size), vaultId: new Uint8Array(16).fill(0xa2) }),
      await encryptToChunks(plain, KEY, context(size)),
    ];
    let cases = 0;
    for (const other of others) {
      for (let i = 0; i < chunks.length; i++) {
        // Index 0 swaps the prefix (the secretstream header): every chunk after it then fails.
        await expectControl(chunks, plain);
        expectRejected(
          await decryptAll(replace(chunks, i, other.chunks[i]), KEY, context(size)),
          'stream_bad_chunk',
          plain,
        );
        cases++;
      }
    }
    console.log(`swapping between files: ${cases} cases, all stream_bad_chunk`);
  });

  it(
    'rejects a seeded sample of 10,000 flipped bits in large chunks',
    async () => {
      const seed = testSeed('attachment bit flips');
      const samples = LONG ? 100_000 : 10_000;
      // Two large chunks and a one-byte final chunk: every case decrypts at most 2 chunks, its control 3.
      const size = 2 * 65_536 + 1;
      const plain = seededBytes(size, seed);
      const { chunks } = await encryptToChunks(plain, KEY, context(size));
      const large = [chunks[1], chunks[2]].filter((c): c is Uint8Array => c !== undefined);
      const random = seededBytes(samples * 4, seed + 1);
      let rejected = 0;
      for (let s = 0; s < samples; s++) {
        const pick = new DataView(random.buffer, random.byteOffset + s * 4, 4).getUint32(0);
        const chunk = large[pick % 2] ?? new Uint8Array();
        const bit = Math.floor(pick / 2) % (chunk.length * 8);
        chunk[bit >> 3] = (chunk[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const outcome = await decryptAll(chunks, KEY, context(size));
        chunk[bit >> 3] = (chunk[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        expectRejected(outcome, 'stream_bad_chunk', plain);
        rejected++;
        await expectControl(chunks, plain);
      }
      console.log(
        `bit flips in 64 KiB chunks (seed ${seed}): ${rejected}/${samples} rejected, each with a passing control`,
      );
      expect(rejected).toBe(samples);
    },
    FLIP_TIMEOUT,
  );

  it('rejects every flipped bit of the prefix and of a short final chunk', async () => {
    const size = 65_536 + 40;
    const plain = seededBytes(size, 3);
    const { chunks } = await encryptToChunks(plain, KEY, context(size));
    const prefix = chunks[0] ?? new Uint8Array();
    const final = chunks[chunks.length - 1] ?? new Uint8Array();
    expect(prefix.length).toBe(ATTACHMENT_PREFIX_BYTES);
    expect(final.length).toBe(40 + 17);
    const counts = new Map<string, number>();
    for (const [target, codeAt] of [
      [prefix, (byte: number) => (byte === 0 ? 'unknown_version' : byte === 1 ? 'unknown_type' : 'stream_bad_chunk')],
      [final, () => 'stream_bad_chunk'],
    ] as const) {
      for (let bit = 0; bit < target.length * 8; bit++) {
        target[bit >> 3] = (target[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const outcome = await decryptAll(chunks, KEY, context(size));
        target[bit >> 3] = (target[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const code = codeAt(bit >> 3);
        expectRejected(outcome, code, plain);
        counts.set(code, (counts.get(code) ?? 0) + 1);
        await expectControl(chunks, plain);
      }
    }
    console.log(
      `prefix (208 bits) and short final chunk (456 bits) flips: ${JSON.stringify(Object.fromEntries(counts))}`,
    );
  });

  it('rejects trailing bytes, a wrong blob id, and tags out of place', async () => {
    const size = 2 * 65_536;
    const plain = seededBytes(size, 5);
    const { chunks, blobId } = await encryptToChunks(plain, KEY, context(size));
    expectRejected(await decryptAll([...chunks, Uint8Array.of(0)], KEY, context(size)), 'stream_trailing', plain);
    const otherId = blobId.slice();
    otherId[0] = (otherId[0] ?? 0) ^ 1;
    const genuine = await decryptAll(chunks, KEY, context(size), blobId);
    expect(genuine.ok && sameBytes(genuine.plain, plain)).toBe(true);
    expect((await decryptAll(chunks, KEY, context(size), otherId)).ok).toBe(false);
    expect(await decryptAll(chunks, KEY, context(size), otherId)).toMatchObject({ code: 'bad_commitment' });

    // A key holder could write authentic chunks with the wrong tags; the decryptor still refuses them.
    const s = sodium();
    for (const [tags, code] of [
      [
        [s.crypto_secretstream_xchacha20poly1305_TAG_FINAL, s.crypto_secretstream_xchacha20poly1305_TAG_FINAL],
        'stream_bad_chunk',
      ],
      [
        [s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE],
        'stream_truncated',
      ],
    ] as const) {
      const forged = forgeWithTags(plain, size, tags);
      expectRejected(await decryptAll(forged, KEY, context(size)), code, plain);
    }
  });

  it('refuses a source that yields more or fewer bytes than declared, and bad arguments', async () => {
    const plain = seededBytes(1000, 9);
    for (const declared of [999, 1001]) {
      await expect(drain(encryptAttachment([plain], KEY, context(declared)))).rejects.toMatchObject({
        code: 'bad_argument',
      });
    }
    expect(() => encryptAttachment([plain], KEY.slice(1), context(1000))).toThrow(CryptoError);
    expect(() => encryptAttachment([plain], KEY, { ...context(1000), fileId: new Uint8Array(15) })).toThrow(
      CryptoError,
    );
    expect(() => encryptAttachment([plain], KEY, context(-1))).toThrow(CryptoError);
    const early = encryptAttachment([plain], KEY, context(1000));
    expect(() => early.blobId()).toThrow(CryptoError);
    await expect(drain(decryptAttachment([], KEY, context(0)))).rejects.toMatchObject({ code: 'stream_truncated' });
  });
});

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of chunks) {
    // Only the error matters.
  }
}

async function* asAsync(pieces: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    await Promise.resolve();
    yield piece;
  }
}

function swap(chunks: readonly Uint8Array[], i: number, j: number): Uint8Array[] {
  const out = [...chunks];
  const a = out[i];
  const b = out[j];
  if (a === undefined || b === undefined) throw new Error('index out of range');
  out[i] = b;
  out[j] = a;
  return out;
}

function replace(chunks: readonly Uint8Array[], i: number, chunk: Uint8Array | undefined): Uint8Array[] {
  if (chunk === undefined) throw new Error('no chunk to put in');
  const out = [...chunks];
  out[i] = chunk;
  return out;
}

/** A blob with the given tags per chunk, built with libsodium directly and the §9 layout. */
function forgeWithTags(plain: Uint8Array, size: number, tags: readonly number[]): Uint8Array[] {
  const s = sodium();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(KEY);
  const ctx = context(size);
  const out: Uint8Array[] = [join([Uint8Array.of(1, 0x20), header])];
  tags.forEach((tag, i) => {
    const ad = join([
      Uint8Array.of(23),
      new TextEncoder().encode('carnet/v1/ad/attachment'),
      Uint8Array.of(1, 0x20),
      ctx.vaultId,
      ctx.recordId,
      ctx.fileId,
      u64(size),
      u32(i),
    ]);
    const piece = plain.subarray(i * ATTACHMENT_CHUNK_BYTES, (i + 1) * ATTACHMENT_CHUNK_BYTES);
    out.push(s.crypto_secretstream_xchacha20poly1305_push(state, piece, ad, tag));
  });
  return out;
}

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v));
  return b;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
}
