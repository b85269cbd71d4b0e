// PDFs are drawn with pdf.js onto a canvas and nothing else: no annotation layer (links, forms), no scripting
// (pdf.js only runs document JavaScript through its separate sandbox bundle, which is never loaded), no XFA,
// no eval, and no network (no font, CMap or WebAssembly URLs, no range requests). A hostile PDF can then do
// no more than draw pixels; its /JavaScript, /OpenAction, /URI, /Launch, /SubmitForm and /GoToR are inert.
import type * as PdfJsModule from 'pdfjs-dist';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import { installTrustedTypesPolicy } from '$lib/security/install-trusted-types-policy.ts';

type PdfJs = typeof PdfJsModule;

let loading: Promise<PdfJs> | undefined;

/** pdf.js, loaded on first use (it is large), with its worker created by us rather than fetched by URL. */
function pdfjs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((lib) => {
    // `new Worker(url)` is a Trusted Types sink: the default policy lets the app's own build files through.
    installTrustedTypesPolicy();
    lib.GlobalWorkerOptions.workerPort = new Worker(new URL('pdfjs-dist/build/pdf.worker.min.mjs', import.meta.url), {
      type: 'module',
    });
    return lib;
  });
  return loading;
}

/** Time caps on the decoder (security.md: hostile documents): a PDF that takes longer is not shown. */
const OPEN_TIMEOUT_MS = 30_000;
export const PAGE_TIMEOUT_MS = 20_000;
/** Images over 40 megapixels inside a PDF are skipped (a 300 dpi A4 scan is under 9). */
const MAX_IMAGE_PIXELS = 40_000_000;
/** A page canvas holds at most this many pixels, whatever the page size claims. */
const MAX_CANVAS_PIXELS = 16_000_000;

export class PdfTimeoutError extends Error {
  override readonly name = 'PdfTimeoutError';
}

/** Resolves like `promise`, or rejects with PdfTimeoutError after `ms` (then `onTimeout` stops the work). */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new PdfTimeoutError(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens a PDF from its bytes (which pdf.js takes over: pass a copy you do not need). Rejects with pdf.js's
 * InvalidPDFException for a broken file, PasswordException for a protected one, PdfTimeoutError when slow.
 *
 * @example
 * const pdf = await openPdf(new Uint8Array(await blob.arrayBuffer()));
 * try { await renderPdfPage(await pdf.getPage(1), canvas, 800); } finally { await pdf.destroy(); }
 */
export async function openPdf(data: Uint8Array): Promise<PDFDocumentProxy> {
  const lib = await pdfjs();
  const task = lib.getDocument({
    data,
    isEvalSupported: false,
    enableXfa: false,
    // No URL for standard fonts, CMaps, ICC profiles or wasm: nothing is fetched. Fonts the PDF does not embed
    // fall back to the system's; embedded ones are handed to the browser's font sanitiser as bytes.
    useSystemFonts: true,
    useWorkerFetch: false,
    useWasm: false,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    maxImageSize: MAX_IMAGE_PIXELS,
    enableHWA: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  return withTimeout(task.promise, OPEN_TIMEOUT_MS, () => void task.destroy());
}

/**
 * Draws one page `cssWidth` CSS pixels wide at the screen's density (one canvas pixel per device pixel, so text
 * stays sharp on a phone), annotations (links, forms) left out. The canvas keeps the page's aspect ratio through
 * its width and height attributes (CSS: a width, `height: auto`).
 */
export async function renderPdfPage(page: PDFPageProxy, canvas: HTMLCanvasElement, cssWidth: number): Promise<void> {
  const lib = await pdfjs();
  const base = page.getViewport({ scale: 1 });
  if (!(base.width > 0 && base.height > 0)) throw new Error('the page has no size');
  let width = Math.round(cssWidth * (globalThis.devicePixelRatio || 1));
  // Whatever the page size claims or the zoom asks for, the canvas stays within the pixel cap.
  const pixels = width * width * (base.height / base.width);
  if (pixels > MAX_CANVAS_PIXELS) width = Math.floor(width * Math.sqrt(MAX_CANVAS_PIXELS / pixels));
  const viewport = page.getViewport({ scale: width / base.width });
  canvas.width = width;
  canvas.height = Math.round(viewport.height);
  const task = page.render({ canvas, viewport, annotationMode: lib.AnnotationMode.DISABLE, intent: 'display' });
  await withTimeout(task.promise, PAGE_TIMEOUT_MS, () => task.cancel());
}

/** The page's text in reading order, for screen readers (set with textContent, never as markup). */
export async function pdfPageText(page: PDFPageProxy): Promise<string> {
  const content = await withTimeout(page.getTextContent(), PAGE_TIMEOUT_MS, () => undefined);
  let text = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    text += item.str;
    if (item.hasEOL) text += '\n';
    else if (item.str !== '' && !text.endsWith(' ')) text += ' ';
  }
  return text.trim();
}

/** Whether `error` is pdf.js saying the file needs a password. */
export function isPdfPasswordError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'PasswordException';
}
