// A valid PDF of an exact size for the attachment part of `npm run bench -- vault`: one A4 page drawing a
// rectangle, plus an unreferenced stream object holding pseudo-random bytes (so nothing compresses or
// deduplicates), a correct cross-reference table, and `startxref` / `%%EOF` at the end, which is what the
// vault's content sniffing (`%PDF-`) and structure check (vault/attachments/check-structure.ts) look at.

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** xorshift32 over 32-bit words: ~1 GB/s, deterministic per seed. */
function fillPseudoRandom(bytes: Uint8Array, seed: number): void {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
}

export function benchPdf(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const page = '0 0 1 rg 72 640 451 120 re f\n';
  const objects = [
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n',
    `4 0 obj\n<< /Length ${page.length} >>\nstream\n${page}endstream\nendobj\n`,
  ];
  const header = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  let at = header.length;
  for (const object of objects) {
    offsets.push(at);
    at += object.length;
  }
  const padHead = (n: number) => `5 0 obj\n<< /Length ${n} >>\nstream\n`;
  const padTail = '\nendstream\nendobj\n';
  const trailerFor = (xrefAt: number) =>
    'xref\n0 6\n0000000000 65535 f \n' +
    [...offsets, at].map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  // The padding length appears in its own header and in the xref offset: iterate until the digits settle.
  const xrefAtFor = (n: number) => at + padHead(n).length + n + padTail.length;
  let padding = size;
  for (let pass = 0; pass < 4; pass++) {
    padding = size - (xrefAtFor(padding) - padding + trailerFor(xrefAtFor(padding)).length);
  }
  if (padding < 0) throw new RangeError(`a bench PDF needs at least ${size - padding} bytes`);
  const xrefAt = xrefAtFor(padding);
  const out = new Uint8Array(size);
  let cursor = 0;
  for (const part of [header, ...objects, padHead(padding)]) {
    out.set(latin1(part), cursor);
    cursor += part.length;
  }
  const noise = new Uint8Array(padding + 4);
  fillPseudoRandom(noise, seed);
  out.set(noise.subarray(0, padding), cursor);
  cursor += padding;
  for (const part of [padTail, trailerFor(xrefAt)]) {
    out.set(latin1(part), cursor);
    cursor += part.length;
  }
  if (cursor !== size) throw new Error(`bench PDF is ${cursor} bytes, not ${size}`);
  return out;
}
