// Cheap structural checks that catch truncated or cut files before 100 MB are encrypted, and that run in Node
// as well as in the browser. They look only at the first and last bytes; the web layer also decodes images
// and opens PDFs before calling `add` (web/lib/attachments/check-file.ts), which catches subtler damage.
import { VaultError } from '../records/vault-error.ts';
import type { AttachmentMediaType } from './sniff-media-type.ts';

/** How many trailing bytes {@link checkStructure} wants: a PDF's `%%EOF` must lie within the last 1,024. */
export const TAIL_BYTES = 1_024;

const PNG_IEND = Uint8Array.of(0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82);
const IHDR = Uint8Array.of(0x49, 0x48, 0x44, 0x52);

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  if (bytes.length < suffix.length) return false;
  const at = bytes.length - suffix.length;
  return suffix.every((byte, i) => bytes[at + i] === byte);
}

function contains(bytes: Uint8Array, text: string): boolean {
  // Latin-1 keeps one character per byte, so offsets and binary bytes survive the round trip.
  return new TextDecoder('latin1').decode(bytes).includes(text);
}

/** The problem with a file of this type, or undefined when its head and tail look whole. */
function structuralProblem(
  mediaType: AttachmentMediaType,
  head: Uint8Array,
  tail: Uint8Array,
  size: number,
): string | undefined {
  switch (mediaType) {
    case 'application/pdf':
      // A PDF is read from its end: the last `startxref` points at the cross-reference table, `%%EOF` closes it.
      if (!contains(tail, '%%EOF')) return 'a PDF ends with %%EOF within its last 1,024 bytes';
      if (!contains(tail, 'startxref')) return 'a PDF has a startxref before its %%EOF';
      return undefined;
    case 'image/png':
      if (!IHDR.every((byte, i) => head[12 + i] === byte)) return 'a PNG starts with an IHDR chunk';
      return endsWith(tail, PNG_IEND) ? undefined : 'a PNG ends with an IEND chunk';
    case 'image/jpeg': {
      // Some cameras and scanners pad the file with zeros after the end-of-image marker.
      let end = tail.length;
      while (end > 0 && tail[end - 1] === 0) end--;
      return tail[end - 2] === 0xff && tail[end - 1] === 0xd9 ? undefined : 'a JPEG ends with FFD9';
    }
    case 'image/gif':
      return tail[tail.length - 1] === 0x3b ? undefined : 'a GIF ends with 0x3B';
    case 'image/webp': {
      const riffSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
      return riffSize + 8 <= size ? undefined : 'a WebP is shorter than its RIFF header says';
    }
    case 'image/svg+xml':
    case 'text/plain':
      return undefined;
  }
}

/**
 * Throws `attachment_corrupt` when a file is visibly cut or broken: a PDF without `%%EOF` and `startxref` at
 * its end, a PNG without IEND, a JPEG without its end marker, a GIF without its trailer, a short WebP.
 * `head` is the file's first bytes (at least 16), `tail` its last {@link TAIL_BYTES} (or the whole file).
 */
export function checkStructure(mediaType: AttachmentMediaType, head: Uint8Array, tail: Uint8Array, size: number): void {
  const problem = structuralProblem(mediaType, head, tail, size);
  if (problem !== undefined) throw new VaultError('attachment_corrupt', problem);
}
