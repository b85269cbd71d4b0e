import { LIMITS, VaultError } from '#vault';
import { checkStructure, createTextCheck, SNIFF_BYTES, sniffMediaType, TAIL_BYTES } from '#vault/attachments/index';
import { decodeSvg } from './image-decode.ts';
import { isPdfPasswordError, openPdf, withTimeout } from './pdf-document.ts';

/** Time cap on decoding an image to check it. */
const IMAGE_TIMEOUT_MS = 20_000;

/**
 * The checks a file passes before `vault.attachments.add`, run as soon as it is picked (RecordFormFiles) so the
 * person hears at once, and again before it is encrypted (uploads). The vault's own come first (size, type by
 * content, a text file's every byte, structure: `attachment_too_large`, `attachment_type_not_allowed`,
 * `attachment_corrupt`); the vault checks them again as it encrypts. Then what the vault cannot do in Node: the
 * file is decoded the way the viewer will decode it (images through createImageBitmap, an SVG through an <img>,
 * a PDF through pdf.js); a file that fails is refused with `attachment_corrupt`.
 *
 * @example
 * try {
 *   await checkFileBeforeAdd(file);
 *   await vault.attachments.add(recordId, toAttachmentFile(file));
 * } catch (error) {
 *   reportError(error); // "This file seems damaged…"
 * }
 */
export async function checkFileBeforeAdd(file: File): Promise<void> {
  if (file.size > LIMITS.attachmentBytes) {
    throw new VaultError('attachment_too_large', `files are limited to ${LIMITS.attachmentBytes} bytes`);
  }
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const mediaType = sniffMediaType(head, file.size <= SNIFF_BYTES);
  if (mediaType === undefined || (mediaType === 'text/plain' && !(await isWholeText(file)))) {
    throw new VaultError('attachment_type_not_allowed', 'only PDF, PNG, JPEG, WebP, GIF, SVG and plain text files');
  }
  // The vault's own structural check (a PDF's %%EOF, a PNG's IEND…), so a cut file is refused on pick too.
  const tail = new Uint8Array(await file.slice(Math.max(0, file.size - TAIL_BYTES)).arrayBuffer());
  checkStructure(mediaType, head, tail, file.size);
  try {
    switch (mediaType) {
      case 'image/png':
      case 'image/jpeg':
      case 'image/webp':
      case 'image/gif': {
        const bitmap = await withTimeout(createImageBitmap(file), IMAGE_TIMEOUT_MS, () => undefined);
        bitmap.close();
        return;
      }
      case 'image/svg+xml': {
        const { url } = await withTimeout(decodeSvg(file), IMAGE_TIMEOUT_MS, () => undefined);
        URL.revokeObjectURL(url);
        return;
      }
      case 'application/pdf':
        await checkPdf(file);
        return;
      case 'text/plain':
        return; // checked whole above (the vault checks it again as it encrypts)
    }
  } catch (cause) {
    throw new VaultError('attachment_corrupt', `the ${mediaType} file could not be decoded`, { cause });
  }
}

async function checkPdf(file: File): Promise<void> {
  let pdf;
  try {
    pdf = await openPdf(new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    // A password-protected PDF is whole; the viewer says it cannot show it and offers the original.
    if (isPdfPasswordError(error)) return;
    throw error;
  }
  try {
    if (pdf.numPages < 1) throw new Error('a PDF without pages');
    await pdf.getPage(1);
  } finally {
    await pdf.destroy();
  }
}

/** The whole file is text, not only its sniffed head: binary past the first 64 KiB is refused on pick too. */
async function isWholeText(file: File): Promise<boolean> {
  const check = createTextCheck();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return check.end();
    if (!check.update(value)) {
      await reader.cancel();
      return false;
    }
  }
}
