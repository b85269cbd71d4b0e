/**
 * Size limits for record content. Byte limits follow docs/PROTOCOL.md §22.6 (UTF-8 bytes); the others keep
 * one record well inside the 4 MiB inflated-Yjs cap so a single hostile or careless record cannot exhaust a
 * device that decrypts the whole vault into memory for search.
 */
export const LIMITS = {
  titleBytes: 512,
  authorBytes: 256,
  organisationBytes: 256,
  noteChars: 100_000,
  tagChars: 64,
  tags: 64,
  observations: 500,
  observationNameChars: 256,
  observationValueChars: 256,
  observationUnitChars: 64,
  observationRangeTextChars: 256,
  attachments: 200,
  fileNameBytes: 255,
  mediaTypeChars: 255,
  /** 100 MB, the attachment limit of the vault issue. */
  attachmentBytes: 100_000_000,
} as const;

/**
 * Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character: `encodeInto` only writes whole
 * code points, and `read` says how many UTF-16 units made it. Values read from a decoded document are clamped
 * rather than refused because an over-long string is harmless once bounded, while refusing it would hide the
 * whole record from its owner.
 */
export function clampUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const buffer = new Uint8Array(maxBytes);
  const { read } = new TextEncoder().encodeInto(text, buffer);
  return read >= text.length ? text : text.slice(0, read);
}

/** Cuts `text` to at most `maxChars` UTF-16 units, never leaving half of a surrogate pair. */
export function clampChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
  return text.slice(0, end);
}

/** UTF-8 length of `text`, for input checks. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
