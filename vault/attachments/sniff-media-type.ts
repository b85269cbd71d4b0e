// The media type of an attachment is what its first bytes prove, never what the file name or the browser
// declared: a hostile "report.pdf" that is really HTML must not be stored as something a viewer might run.
// Only types the viewer can show without executing anything are allowed (images and SVG as <img>, PDF on a
// canvas, text through textContent).

export const ATTACHMENT_MEDIA_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'image/svg+xml',
  'text/plain',
] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

/** How many leading bytes {@link sniffMediaType} wants (SVG may start with a long prologue). */
export const SNIFF_BYTES = 65_536;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** WHATWG MIME sniffing's "text/html" patterns (each must be followed by a space or `>`), lowercase. */
const HTML_STARTS = [
  '<!doctype html',
  '<html',
  '<head',
  '<script',
  '<iframe',
  '<h1',
  '<div',
  '<font',
  '<table',
  '<a',
  '<style',
  '<title',
  '<b',
  '<body',
  '<br',
  '<p',
  '<!--',
].map(ascii);

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** ASCII case-insensitive `startsWith` for a lowercase prefix. */
function startsWithFolded(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const byte = bytes[at + i] ?? 0;
    if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== prefix[i]) return false;
  }
  return true;
}

const isSpace = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c;

function skipBomAndSpace(bytes: Uint8Array): number {
  let at = startsWith(bytes, Uint8Array.of(0xef, 0xbb, 0xbf)) ? 3 : 0;
  while (isSpace(bytes[at])) at++;
  return at;
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= bytes.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Whether the root element of this XML is `<svg`, skipping what may come before it: a BOM, the XML
 * declaration, comments, processing instructions and a DOCTYPE (with or without an internal subset).
 */
function isSvg(bytes: Uint8Array): boolean {
  let at = skipBomAndSpace(bytes);
  for (;;) {
    while (isSpace(bytes[at])) at++;
    if (startsWith(bytes, ascii('<?'), at)) {
      const end = indexOf(bytes, ascii('?>'), at + 2);
      if (end < 0) return false;
      at = end + 2;
    } else if (startsWith(bytes, ascii('<!--'), at)) {
      const end = indexOf(bytes, ascii('-->'), at + 4);
      if (end < 0) return false;
      at = end + 3;
    } else if (startsWithFolded(bytes, ascii('<!doctype'), at)) {
      at = skipDoctype(bytes, at);
      if (at < 0) return false;
    } else {
      const after = bytes[at + 4];
      return startsWith(bytes, ascii('<svg'), at) && (isSpace(after) || after === 0x3e || after === 0x2f);
    }
  }
}

/** The offset after a DOCTYPE's closing `>`, honouring quotes and an internal subset `[...]`; -1 if none. */
function skipDoctype(bytes: Uint8Array, start: number): number {
  let quote = 0;
  let depth = 0;
  for (let i = start + 9; i < bytes.length; i++) {
    const byte = bytes[i];
    if (quote !== 0) {
      if (byte === quote) quote = 0;
    } else if (byte === 0x22 || byte === 0x27) quote = byte;
    else if (byte === 0x5b) depth++;
    else if (byte === 0x5d) depth--;
    else if (byte === 0x3e && depth <= 0) return i + 1;
  }
  return -1;
}

function looksLikeHtmlOrXml(bytes: Uint8Array): boolean {
  const at = skipBomAndSpace(bytes);
  if (startsWith(bytes, ascii('<?xml'), at)) return true;
  return HTML_STARTS.some((pattern) => {
    if (!startsWithFolded(bytes, pattern, at)) return false;
    const after = bytes[at + pattern.length];
    return after === undefined || isSpace(after) || after === 0x3e;
  });
}

/**
 * Whether these bytes hold a control character a text document does not: any C0 control (NUL included) but tab,
 * line feed, carriage return and form feed, and DEL. Binary data that happens to decode as UTF-8 (small
 * integers, packed records) is full of them; a letter, a lab report or an exported note has none.
 */
function hasBinaryControl(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * Text as Carnet accepts it: valid UTF-8 (a BOM allowed) without the control characters of
 * {@link hasBinaryControl}. Latin-1 or UTF-16 text is refused: the viewer shows UTF-8 only. When `complete` is
 * false the bytes are a prefix of the file, so a character cut at the end is allowed (the rest of the file is
 * checked while it streams: {@link createTextCheck}).
 */
function isText(bytes: Uint8Array, complete: boolean): boolean {
  if (hasBinaryControl(bytes)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * The allowed media type that the first bytes of a file prove, or undefined (HTML, executables, archives,
 * anything else). `complete` says whether `head` is the whole file.
 *
 * @example
 * sniffMediaType(new TextEncoder().encode('%PDF-1.7\n…'), false); // 'application/pdf'
 * sniffMediaType(new TextEncoder().encode('<!doctype html><script>…'), true); // undefined
 */
export function sniffMediaType(head: Uint8Array, complete: boolean): AttachmentMediaType | undefined {
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(head, Uint8Array.of(0xff, 0xd8, 0xff))) return 'image/jpeg';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (!isText(head, complete)) return undefined;
  if (isSvg(head)) return 'image/svg+xml';
  return looksLikeHtmlOrXml(head) ? undefined : 'text/plain';
}

/** A streaming check that a whole text file is text as {@link sniffMediaType} means it, fed chunk by chunk. */
export function createTextCheck(): { update(bytes: Uint8Array): boolean; end(): boolean } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const run = (step: () => void): boolean => {
    try {
      step();
      return true;
    } catch {
      return false;
    }
  };
  return {
    update: (bytes) => !hasBinaryControl(bytes) && run(() => decoder.decode(bytes, { stream: true })),
    end: () => run(() => decoder.decode()),
  };
}
