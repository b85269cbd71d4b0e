import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Handler } from 'hono';
import { PRECOMPRESSED, pickEncoding, type Precompressed } from './content-encoding.ts';
import { createEntityTags, matchesIfNoneMatch } from './entity-tag.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.mjs.map': 'application/json',
  '.map': 'application/json',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NEVER = 'no-store';
const REVALIDATE = 'no-cache';

/** Cache policy by path: hashed assets forever; the entry points never, so an update is seen at once. */
export function cacheControlFor(urlPath: string): string {
  if (urlPath.startsWith('/_app/immutable/')) return IMMUTABLE;
  if (urlPath === '/sw.js' || urlPath === '/' || urlPath.endsWith('.html')) return NEVER;
  return REVALIDATE;
}

/** sha256 sources of every inline <script> in an HTML file, for the CSP. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = match[1] ?? '';
    hashes.push(`sha256-${crypto.createHash('sha256').update(body, 'utf8').digest('base64')}`);
  }
  return hashes;
}

export interface StaticApp {
  handler: Handler;
  scriptHashes: string[];
}

/** The bytes of index.html and of its precompressed variants, read once at start (the CSP hashes come from it). */
interface IndexFile {
  plain: Uint8Array;
  variants: Map<Precompressed, Uint8Array>;
  etag: string;
}

function readIndex(indexFile: string): IndexFile {
  const plain = new Uint8Array(fs.readFileSync(indexFile));
  const stat = fs.statSync(indexFile);
  const variants = new Map<Precompressed, Uint8Array>();
  for (const variant of PRECOMPRESSED) {
    const file = indexFile + variant.suffix;
    const copy = fs.statSync(file, { throwIfNoEntry: false });
    if (isFreshCopy(copy, stat)) variants.set(variant, new Uint8Array(fs.readFileSync(file)));
  }
  return { plain, variants, etag: crypto.createHash('sha256').update(plain).digest('base64url').slice(0, 27) };
}

const isCompressedCopy = (file: string): boolean => PRECOMPRESSED.some(({ suffix }) => file.endsWith(suffix));

/**
 * A compressed copy written before its file was last changed is stale (a file patched by hand, a copy that
 * failed): the file is then sent as it is rather than old bytes under a new name.
 */
const isFreshCopy = (copy: fs.Stats | undefined, file: fs.Stats): boolean =>
  copy?.isFile() === true && copy.mtimeMs >= file.mtimeMs;

/**
 * Serves the built PWA from `appDir`: files by path (never outside the folder), and index.html for any
 * other GET that asks for HTML, so deep links work (the SPA fallback). Returns undefined when nothing is built.
 *
 * A file the build precompressed (`name.br`, `name.gz` beside `name`) goes out in the encoding the client
 * accepts best, and as it is to a client that accepts neither; `Vary: Accept-Encoding` says so to caches.
 * Files are streamed from disk; a strong ETag per representation answers If-None-Match with 304.
 */
export function createStaticApp(appDir: string): StaticApp | undefined {
  const root = path.resolve(appDir);
  const indexFile = path.join(root, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;
  const index = readIndex(indexFile);
  const scriptHashes = inlineScriptHashes(Buffer.from(index.plain).toString('utf8'));
  const entityTag = createEntityTags();

  const sendIndex = (c: Context): Response => {
    const variant = pickEncoding(c.req.header('accept-encoding'), [...index.variants.keys()]);
    const body = (variant === undefined ? undefined : index.variants.get(variant)) ?? index.plain;
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES['.html'] ?? '',
      'Cache-Control': NEVER,
      ETag: `"${index.etag}${variant === undefined ? '' : `-${variant.encoding}`}"`,
    };
    if (index.variants.size > 0) headers['Vary'] = 'Accept-Encoding';
    if (variant !== undefined) headers['Content-Encoding'] = variant.encoding;
    headers['Content-Length'] = String(body.byteLength);
    return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(new Uint8Array(body), 200, headers);
  };

  const sendFile = async (
    c: Context,
    gone: AbortSignal,
    file: string,
    stat: fs.Stats,
    urlPath: string,
  ): Promise<Response> => {
    const variants: Precompressed[] = [];
    for (const variant of PRECOMPRESSED) {
      const variantStat = await fsp.stat(file + variant.suffix).catch(() => undefined);
      if (isFreshCopy(variantStat, stat)) variants.push(variant);
    }
    const chosen = pickEncoding(c.req.header('accept-encoding'), variants);
    const etag = await entityTag(file, stat, chosen?.encoding);
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cacheControlFor(urlPath),
      ETag: etag,
    };
    if (variants.length > 0) headers['Vary'] = 'Accept-Encoding';
    if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    if (chosen !== undefined) headers['Content-Encoding'] = chosen.encoding;
    // The length and the bytes come from one open file, and no more bytes than that length are read: a build
    // that replaces the file meanwhile, or rewrites it in place, cannot put stray bytes on a kept-alive socket.
    const handle = await fsp.open(chosen === undefined ? file : file + chosen.suffix);
    let size: number;
    try {
      size = (await handle.stat()).size;
    } catch (error) {
      await handle.close();
      throw error;
    }
    headers['Content-Length'] = String(size);
    if (c.req.method === 'HEAD' || gone.aborted || size === 0) {
      await handle.close();
      return size === 0 ? c.body(new Uint8Array(0), 200, headers) : c.body(null, 200, headers);
    }
    // A client that goes away mid-file (a closed tab, a cancelled precache) releases the file at once.
    const stream = handle.createReadStream({ start: 0, end: size - 1 });
    gone.addEventListener('abort', () => stream.destroy(), { once: true });
    return c.body(Readable.toWeb(stream) as ReadableStream<Uint8Array>, 200, headers);
  };

  const handler: Handler = async (c) => {
    // Read before the first await: the relay's server aborts it when the client disconnects, from then on.
    const gone = c.req.raw.signal;
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('Bad request', 400);
    }
    if (urlPath.includes('\0')) return c.text('Bad request', 400);
    if (urlPath === '/' || urlPath === '/index.html') return sendIndex(c);

    const file = path.resolve(root, '.' + path.posix.normalize(urlPath));
    // The .br and .gz copies are representations of their file, not files of their own.
    if (file.startsWith(root + path.sep) && !isCompressedCopy(file)) {
      const stat = await fsp.stat(file).catch(() => undefined);
      if (stat?.isFile() === true) return sendFile(c, gone, file, stat, urlPath);
    }
    // A missing hashed asset or file with an extension is a real 404, not the app shell.
    if (urlPath.startsWith('/_app/') || path.extname(urlPath) !== '') return c.text('Not found', 404);
    return sendIndex(c);
  };
  return { handler, scriptHashes };
}
