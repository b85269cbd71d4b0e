// PROTOCOL.md §23: attachment.json + attachment-150000.blob and link.json, written by
// tests/crypto/vectors/write-attachment-link-vectors.ts. The opener must reproduce every expected value and
// refuse every invalid case with its code; the link values are recomputed from the spec text as well.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachmentBlobSize, ATTACHMENT_PREFIX_BYTES } from '#crypto/attachment-stream';
import { isCryptoError } from '#crypto/crypto-error';
import {
  deriveLinkKeys,
  encodeLinkFragment,
  formatLinkCode,
  linkChecksum,
  linkUrl,
  parseLink,
  passcodeVerifier,
} from '#crypto/link-secret';
import { ready, sodium } from '#crypto/sodium';
import { decryptAll, join, sameBytes } from './stream-support.ts';
import { attachmentPlaintext, linkExpected, linkVectorInputs } from './vectors/attachment-link-inputs.ts';

const dir = path.resolve('tests/fixtures/vectors');

interface Operation {
  truncate?: number;
  swapChunks?: [number, number];
  copyChunk?: { from: number; to: number };
  replaceChunk?: { index: number; withHex: string };
  appendHex?: string;
  flipBit?: number;
  context?: { fileId?: string; size?: number; key?: string };
}

interface AttachmentVectors {
  inputs: { key: string; vaultId: string; recordId: string; fileId: string; size: number; blobFile: string };
  expected: { blobSize: number; chunkBoundaries: number[]; blobId: string; plaintextHash: string };
  invalid: { description: string; operation: Operation; code: string }[];
}

interface LinkVectors {
  inputs: { secret: string; origin: string; passcode: string };
  expected: Record<string, string>;
  accepted: string[];
  invalid: { text: string; code: string }[];
}

beforeAll(async () => {
  await ready();
});

function readJson(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
}

describe('attachment and link vectors', () => {
  it('opens attachment-150000.blob and refuses every invalid variant with its code', async () => {
    const s = sodium();
    const v = readJson('attachment.json') as AttachmentVectors;
    const blob = new Uint8Array(fs.readFileSync(path.join(dir, v.inputs.blobFile)));
    const key = s.from_hex(v.inputs.key);
    const context = {
      vaultId: s.from_hex(v.inputs.vaultId),
      recordId: s.from_hex(v.inputs.recordId),
      fileId: s.from_hex(v.inputs.fileId),
      size: v.inputs.size,
    };
    expect(blob.length).toBe(v.expected.blobSize);
    expect(attachmentBlobSize(v.inputs.size)).toBe(v.expected.blobSize);
    const opened = await decryptAll([blob], key, context, s.from_hex(v.expected.blobId));
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(sameBytes(opened.plain, attachmentPlaintext(v.inputs.size))).toBe(true);
    expect(s.to_hex(s.crypto_generichash(32, opened.plain, null))).toBe(v.expected.plaintextHash);

    const bounds = [0, ATTACHMENT_PREFIX_BYTES, ...v.expected.chunkBoundaries.slice(1), blob.length];
    const chunkList = bounds.slice(0, -1).map((start, i) => blob.slice(start, bounds[i + 1]));
    // chunkList[0] is the prefix; secretstream chunk k is chunkList[k + 1].
    for (const { description, operation: op, code } of v.invalid) {
      let chunks: Uint8Array[] = chunkList.map((c) => c.slice());
      let ctx = context;
      let useKey = key;
      if (op.truncate !== undefined) chunks = [blob.slice(0, op.truncate)];
      if (op.swapChunks) {
        const [a, b] = op.swapChunks;
        [chunks[a + 1], chunks[b + 1]] = [chunks[b + 1] ?? new Uint8Array(), chunks[a + 1] ?? new Uint8Array()];
      }
      if (op.copyChunk) chunks[op.copyChunk.to + 1] = chunks[op.copyChunk.from + 1] ?? new Uint8Array();
      if (op.replaceChunk) chunks[op.replaceChunk.index + 1] = s.from_hex(op.replaceChunk.withHex);
      if (op.appendHex !== undefined) chunks.push(s.from_hex(op.appendHex));
      if (op.flipBit !== undefined) {
        const flipped = join(chunks);
        flipped[op.flipBit >> 3] = (flipped[op.flipBit >> 3] ?? 0) ^ (1 << (op.flipBit & 7));
        chunks = [flipped];
      }
      if (op.context?.fileId !== undefined) ctx = { ...ctx, fileId: s.from_hex(op.context.fileId) };
      if (op.context?.size !== undefined) ctx = { ...ctx, size: op.context.size };
      if (op.context?.key !== undefined) useKey = s.from_hex(op.context.key);
      const outcome = await decryptAll(chunks, useKey, ctx);
      expect(outcome.ok, description).toBe(false);
      if (!outcome.ok) expect(outcome.code, description).toBe(code);
    }
    console.log(`attachment vectors: 1 blob opened, ${v.invalid.length} invalid variants refused with their codes`);
  });

  it('derives every link value and refuses every corrupted link text', () => {
    const s = sodium();
    const v = readJson('link.json') as LinkVectors;
    const secret = s.from_hex(v.inputs.secret);
    // The committed file and an independent recomputation from the spec text agree.
    expect(linkExpected(linkVectorInputs())).toEqual({
      inputs: v.inputs,
      expected: v.expected,
      accepted: v.accepted,
      invalid: v.invalid,
    });
    const keys = deriveLinkKeys(secret);
    expect({
      checksum: s.to_hex(linkChecksum(secret)),
      fragment: encodeLinkFragment(secret),
      url: linkUrl(v.inputs.origin, secret),
      code: formatLinkCode(secret),
      linkId: s.to_hex(keys.linkId),
      linkBoxPublicKey: s.to_hex(keys.boxPublicKey),
      passcodeVerifierKey: s.to_hex(keys.passcodeVerifierKey),
      verifier4711: s.to_hex(passcodeVerifier(keys, v.inputs.passcode)),
      linkAuthPublicKey: s.to_hex(keys.authPublicKey),
      linkMacKey: s.to_hex(keys.macKey),
    }).toEqual(v.expected);
    for (const text of v.accepted) expect(parseLink(text)).toEqual(secret);
    for (const { text, code } of v.invalid) {
      let got = 'accepted';
      try {
        parseLink(text);
      } catch (error) {
        if (!isCryptoError(error)) throw error;
        got = error.code;
      }
      expect(got, text).toBe(code);
    }
    console.log(`link vectors: ${v.accepted.length} accepted texts, ${v.invalid.length} corrupted texts refused`);
  });
});
