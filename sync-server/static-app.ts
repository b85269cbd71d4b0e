import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Context, Handler } from 'hono';

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

/**
 * Serves the built PWA from `appDir`: files by path (never outside the folder), and index.html for any
 * other GET that asks for HTML, so deep links work (the SPA fallback). Returns undefined when nothing is built.
 */
export function createStaticApp(appDir: string): StaticApp | undefined {
  const root = path.resolve(appDir);
  const indexFile = path.join(root, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;
  const indexHtml = fs.readFileSync(indexFile);
  const scriptHashes = inlineScriptHashes(indexHtml.toString('utf8'));

  const sendIndex = (c: Context): Response =>
    c.body(new Uint8Array(indexHtml), 200, { 'Content-Type': CONTENT_TYPES['.html'] ?? '', 'Cache-Control': NEVER });

  const handler: Handler = async (c) => {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('Bad request', 400);
    }
    if (urlPath.includes('\0')) return c.text('Bad request', 400);
    if (urlPath === '/' || urlPath === '/index.html') return sendIndex(c);

    const file = path.resolve(root, '.' + path.posix.normalize(urlPath));
    if (file.startsWith(root + path.sep)) {
      const stat = await fsp.stat(file).catch(() => undefined);
      if (stat?.isFile() === true) {
        const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
        const body = await fsp.readFile(file);
        return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': cacheControlFor(urlPath) });
      }
    }
    // A missing hashed asset or file with an extension is a real 404, not the app shell.
    if (urlPath.startsWith('/_app/') || path.extname(urlPath) !== '') return c.text('Not found', 404);
    return sendIndex(c);
  };
  return { handler, scriptHashes };
}
