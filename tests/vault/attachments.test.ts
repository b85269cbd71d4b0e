import { describe, expect, it } from 'vitest';
import { attachmentBlobSize, attachmentChunkCount } from '#crypto';
import { isVaultError, LIMITS, type VaultErrorCode } from '#vault';
import type { AttachmentInputFile, Progress } from '#vault/vault-api';
import {
  attachmentHarness,
  fixture,
  inputFile,
  readAll,
  textBytes,
  type AttachmentHarness,
} from './attachments-support.ts';

async function expectCode(promise: Promise<unknown>, code: VaultErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isVaultError(error) ? error.code : error).toBe(code);
}

/** Nothing of a refused file is left: no chunk, no state row, no attachment on the record. */
async function expectNothingStored(h: AttachmentHarness): Promise<void> {
  expect(await h.counts()).toEqual({ blobs: 0, states: 0 });
  expect(h.records.get(h.recordId).attachments).toEqual([]);
}

describe('vault attachments: round trip', () => {
  it.each([0, 1, 65_536, 65_537, 3 * 1024 * 1024])('stores and reads back %i bytes', async (size) => {
    const h = await attachmentHarness();
    const bytes = textBytes(size);
    const progress: Progress[] = [];
    const meta = await h.store.add(h.recordId, inputFile(bytes, 'notes.txt', 'text/plain'), (p) => progress.push(p));

    expect(meta).toMatchObject({ name: 'notes.txt', mediaType: 'text/plain', size });
    expect(meta.blobId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.records.get(h.recordId).attachments).toEqual([meta]);
    // 16 secretstream chunks per row (vault/attachments/blob-rows.ts).
    expect(await h.counts()).toEqual({ blobs: Math.ceil(attachmentChunkCount(size) / 16), states: 1 });
    const rows = await h.db.blobs.toArray();
    expect(rows.reduce((sum, row) => sum + row.bytes.length, 0)).toBe(attachmentBlobSize(size));
    expect(progress.at(-1)).toEqual({ phase: 'write', done: size, total: size });
    expect(progress.every((p, i) => i === 0 || p.done >= (progress[i - 1]?.done ?? 0))).toBe(true);

    const read: Progress[] = [];
    const back = await readAll(h.store.open(h.recordId, meta.fileId, (p) => read.push(p)));
    expect(back.length).toBe(size);
    expect(Buffer.compare(back, bytes)).toBe(0); // toEqual walks 3 MiB element by element
    expect(read.at(-1)).toEqual({ phase: 'read', done: size, total: size });
    expect(h.problems).toEqual([]);
  });

  it.each([
    ['report.pdf', 'application/pdf'],
    ['square.png', 'image/png'],
    ['grey.jpeg', 'image/jpeg'],
    ['hostile-script.svg', 'image/svg+xml'],
  ])('stores %s as %s whatever type was declared', async (name, mediaType) => {
    const h = await attachmentHarness();
    const bytes = fixture(name);
    const meta = await h.store.add(h.recordId, inputFile(bytes, name, 'text/html'));
    expect(meta.mediaType).toBe(mediaType);
    expect(await readAll(h.store.open(h.recordId, meta.fileId))).toEqual(bytes);
  });

  it('keeps UTF-8 text, a byte-order mark and an SVG behind a prologue', async () => {
    const h = await attachmentHarness();
    const text = new TextEncoder().encode('\ufeffHémoglobine glyquée 6.1 pourcent\n');
    expect((await h.store.add(h.recordId, inputFile(text, 'a.txt'))).mediaType).toBe('text/plain');
    const svg = new TextEncoder().encode(
      '\ufeff<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd" [ <!ENTITY e "]>"> ]>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    );
    expect((await h.store.add(h.recordId, inputFile(svg, 'a.svg'))).mediaType).toBe('image/svg+xml');
  });

  it('removes the attachment and its chunks', async () => {
    const h = await attachmentHarness();
    const keep = await h.store.add(h.recordId, inputFile(textBytes(70_000), 'keep.txt'));
    const gone = await h.store.add(h.recordId, inputFile(textBytes(200_000), 'gone.txt'));
    await h.store.remove(h.recordId, gone.fileId);
    expect(h.records.get(h.recordId).attachments.map((item) => item.fileId)).toEqual([keep.fileId]);
    expect(await h.counts()).toEqual({ blobs: 1, states: 1 });
    await expectCode(h.store.remove(h.recordId, gone.fileId), 'item_not_found');
    await expectCode(readAll(h.store.open(h.recordId, gone.fileId)), 'item_not_found');
  });

  it('cuts an over-long file name but keeps its extension', async () => {
    const h = await attachmentHarness();
    const meta = await h.store.add(h.recordId, inputFile(textBytes(10), `${'é'.repeat(300)}.txt`));
    expect(new TextEncoder().encode(meta.name).length).toBeLessThanOrEqual(LIMITS.fileNameBytes);
    expect(meta.name).toMatch(/^é+\.txt$/);
  });
});

describe('vault attachments: refusals leave nothing behind', () => {
  it('refuses a file over 100 MB before reading it', async () => {
    const h = await attachmentHarness();
    const huge: AttachmentInputFile = {
      name: 'scan.pdf',
      mediaType: 'application/pdf',
      size: LIMITS.attachmentBytes + 1,
      stream: () => {
        throw new Error('must not be read');
      },
      slice: () => {
        throw new Error('must not be read');
      },
    };
    await expectCode(h.store.add(h.recordId, huge), 'attachment_too_large');
    await expectNothingStored(h);
  });

  const html = '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>';
  it.each([
    ['HTML', html],
    ['HTML with leading space and a BOM', `\ufeff  \n<HTML><p>hi`],
    ['an HTML comment', '<!-- x --><p>hi</p>'],
    ['XML that is not SVG', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>'],
    ['a Windows executable', 'MZ\u0090\u0000\u0003\u0000\u0000\u0000PE\u0000\u0000'],
    ['a ZIP archive', 'PK\u0003\u0004\u0014\u0000\u0000\u0000'],
    ['invalid UTF-8', new Uint8Array([0x48, 0xc3, 0x28, 0x41])],
  ])('refuses %s', async (_name, content) => {
    const h = await attachmentHarness();
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    await expectCode(
      h.store.add(h.recordId, inputFile(bytes, 'lab.pdf', 'application/pdf')),
      'attachment_type_not_allowed',
    );
    await expectNothingStored(h);
  });

  it('refuses a text file that turns binary after the sniffed head, removing the chunks already written', async () => {
    const h = await attachmentHarness();
    const bytes = textBytes(3 * 1024 * 1024);
    bytes[2 * 1024 * 1024] = 0;
    await expectCode(h.store.add(h.recordId, inputFile(bytes, 'notes.txt')), 'attachment_type_not_allowed');
    await expectNothingStored(h);
  });

  it.each([
    ['truncated.pdf', fixture('truncated.pdf')],
    ['a PDF without startxref', new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n')],
    [
      'a PDF with %%EOF far from its end',
      new TextEncoder().encode(`%PDF-1.7\nstartxref\n0\n%%EOF\n${' '.repeat(2000)}`),
    ],
    ['cut.png', fixture('cut.png')],
    ['a JPEG cut before FFD9', fixture('grey.jpeg').subarray(0, -2)],
    ['a GIF without its trailer', new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000')],
  ])('refuses %s as corrupt', async (_name, bytes) => {
    const h = await attachmentHarness();
    await expectCode(h.store.add(h.recordId, inputFile(bytes, 'x')), 'attachment_corrupt');
    await expectNothingStored(h);
  });

  it('accepts a JPEG padded with zeros after its end marker', async () => {
    const h = await attachmentHarness();
    const padded = new Uint8Array([...fixture('grey.jpeg'), 0, 0, 0]);
    expect((await h.store.add(h.recordId, inputFile(padded, 'x.jpg'))).mediaType).toBe('image/jpeg');
  });

  it('refuses a file that yields fewer bytes than its size (it changed while read)', async () => {
    const h = await attachmentHarness();
    const file = inputFile(textBytes(300_000), 'notes.txt');
    await expectCode(h.store.add(h.recordId, { ...file, size: 400_000 }), 'attachment_corrupt');
    await expectNothingStored(h);
  });

  it('turns a quota error into quota_exceeded and leaves nothing', async () => {
    const h = await attachmentHarness();
    let calls = 0;
    const add = h.db.blobs.add.bind(h.db.blobs);
    h.db.blobs.add = ((...args: Parameters<typeof add>) => {
      calls++;
      if (calls === 2) return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      return add(...args);
    }) as typeof add;
    await expectCode(h.store.add(h.recordId, inputFile(textBytes(3 * 1024 * 1024), 'big.txt')), 'quota_exceeded');
    await expectNothingStored(h);
  });

  it('deletes the chunks when the record refuses the attachment at the end', async () => {
    const h = await attachmentHarness();
    let written = 0;
    const pending = h.store.add(h.recordId, inputFile(textBytes(3 * 1024 * 1024), 'notes.txt'), ({ done }) => {
      // Deleted (say, from another device) while the file is being written.
      if (written === 0 && done > 0) h.records.remove(h.recordId);
      written = done;
    });
    await expectCode(pending, 'record_deleted');
    expect(written).toBe(3 * 1024 * 1024);
    expect(await h.counts()).toEqual({ blobs: 0, states: 0 });
  });
});
