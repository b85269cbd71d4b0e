import type { AttachmentInputFile } from '#vault';

/**
 * A picked or dropped File as the vault reads it. The declared type is only a hint: the vault checks the
 * content (magic bytes) and stores the type the content proves.
 */
export function toAttachmentFile(file: File): AttachmentInputFile {
  return {
    name: file.name === '' ? 'file' : file.name,
    mediaType: file.type === '' ? 'application/octet-stream' : file.type,
    size: file.size,
    stream: () => file.stream(),
    slice: (start, end) => file.slice(start, end),
  };
}
