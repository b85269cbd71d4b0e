import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlFor, inlineScriptHashes } from '#sync-server/static-app';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';

const INLINE = 'console.log("boot")';
const SCRIPT = `export const words = ${JSON.stringify('carnet '.repeat(500))};`;
const SCRIPT_PATH = '/_app/immutable/entry/start.abc123.js';

/** Writes `name.br` and `name.gz` beside `name`, as the build's precompress step does. */
function precompress(file: string): void {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes));
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET (or HEAD) whose body is the bytes on the wire: fetch would decompress them out of sight. */
function request(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function writeFixtureApp(dir: string): void {
  fs.mkdirSync(path.join(dir, '_app', 'immutable', 'entry'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html><body><div id="app"></div><script>${INLINE}</script></body></html>`,
  );
  fs.writeFileSync(path.join(dir, '_app', 'immutable', 'entry', 'start.abc123.js'), SCRIPT);
  fs.writeFileSync(path.join(dir, '_app', 'immutable', 'entry', 'plain.abc123.js'), 'export const x = 1;');
  fs.writeFileSync(path.join(dir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  precompress(path.join(dir, 'index.html'));
  precompress(path.join(dir, '_app', 'immutable', 'entry', 'start.abc123.js'));
  fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"Carnet"}');
  fs.writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'outside the app folder');
}

describe('serving the built PWA', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-app-'));
  const appDir = path.join(base, 'build');
  let sut: TestRelay;
  beforeAll(async () => {
    fs.mkdirSync(appDir);
    writeFixtureApp(appDir);
    sut = await startTestRelay({ appDir });
  });
  afterAll(async () => {
    await sut.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('serves index.html at / and never lets it be cached', async () => {
    const response = await fetch(`${sut.httpUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('<div id="app">');
  });

  it('answers a deep link with the app shell (SPA fallback)', async () => {
    const response = await fetch(`${sut.httpUrl}/records/x`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<div id="app">');
  });

  it('caches hashed assets as immutable and never caches sw.js', async () => {
    const asset = await fetch(`${sut.httpUrl}/_app/immutable/entry/start.abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    const sw = await fetch(`${sut.httpUrl}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-store');
    expect(sw.headers.get('content-security-policy')).toContain("object-src 'none'");
  });

  it('answers a missing asset with 404, not with the app shell', async () => {
    expect((await fetch(`${sut.httpUrl}/_app/immutable/missing.js`)).status).toBe(404);
    expect((await fetch(`${sut.httpUrl}/missing.png`)).status).toBe(404);
  });

  it('never serves a file outside the app folder, compressed or not', async () => {
    fs.writeFileSync(path.join(base, 'secret.txt.br'), zlib.brotliCompressSync('outside the app folder'));
    for (const probe of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/_app/%2e%2e/%2e%2e/secret.txt',
      '/%2e%2e/secret.txt.br',
    ]) {
      for (const encoding of ['identity', 'br, gzip']) {
        const response = await request(`${sut.httpUrl}${probe}`, { 'Accept-Encoding': encoding });
        const text =
          response.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(response.body) : response.body;
        expect(text.toString('utf8'), `${probe} (${encoding})`).not.toContain('outside the app folder');
      }
    }
  });

  it('sends the precompressed file the client accepts best, and the file as it is to one that accepts neither', async () => {
    const onDisk = (suffix: string): Buffer => fs.readFileSync(path.join(appDir, `${SCRIPT_PATH}${suffix}`));
    const cases: [string | undefined, string | undefined, string][] = [
      ['gzip, deflate, br', 'br', '.br'],
      ['gzip', 'gzip', '.gz'],
      ['br;q=0, gzip', 'gzip', '.gz'],
      ['gzip;q=0.9, br;q=0.5', 'gzip', '.gz'],
      ['*', 'br', '.br'],
      ['identity', undefined, ''],
      ['*;q=0', undefined, ''],
      ['deflate', undefined, ''],
      [undefined, undefined, ''],
    ];
    for (const [accept, encoding, suffix] of cases) {
      const response = await request(
        `${sut.httpUrl}${SCRIPT_PATH}`,
        accept === undefined ? {} : { 'Accept-Encoding': accept },
      );
      const label = accept ?? '(no Accept-Encoding)';
      expect(response.status, label).toBe(200);
      expect(response.headers['content-encoding'], label).toBe(encoding);
      expect(response.headers['vary'], label).toBe('Accept-Encoding');
      expect(response.headers['content-type'], label).toContain('text/javascript');
      expect(response.body.equals(onDisk(suffix)), label).toBe(true);
      expect(response.headers['content-length'], label).toBe(String(onDisk(suffix).length));
    }
    expect(zlib.brotliDecompressSync(onDisk('.br')).toString('utf8')).toBe(SCRIPT);
  });

  it('compresses the app shell too, at / and for a deep link', async () => {
    for (const at of ['/', '/records/x']) {
      const response = await request(`${sut.httpUrl}${at}`, { 'Accept-Encoding': 'br' });
      expect(response.headers['content-encoding'], at).toBe('br');
      expect(response.headers['vary'], at).toBe('Accept-Encoding');
      expect(zlib.brotliDecompressSync(response.body).toString('utf8'), at).toContain('<div id="app">');
      const plain = await request(`${sut.httpUrl}${at}`);
      expect(plain.headers['content-encoding'], at).toBeUndefined();
      expect(plain.body.toString('utf8'), at).toContain('<div id="app">');
    }
  });

  it('sends a file without compressed copies as it is, with no Vary', async () => {
    for (const at of ['/icon.png', '/_app/immutable/entry/plain.abc123.js']) {
      const response = await request(`${sut.httpUrl}${at}`, { 'Accept-Encoding': 'br, gzip' });
      expect(response.headers['content-encoding'], at).toBeUndefined();
      expect(response.headers['vary'], at).toBeUndefined();
      expect(response.body.equals(fs.readFileSync(path.join(appDir, at))), at).toBe(true);
    }
  });

  it('does not serve the compressed copies as files of their own', async () => {
    expect((await request(`${sut.httpUrl}${SCRIPT_PATH}.br`)).status).toBe(404);
    expect((await request(`${sut.httpUrl}${SCRIPT_PATH}.gz`)).status).toBe(404);
  });

  it('gives each representation a strong ETag and answers a matching If-None-Match with 304', async () => {
    const br = await request(`${sut.httpUrl}${SCRIPT_PATH}`, { 'Accept-Encoding': 'br' });
    const gzip = await request(`${sut.httpUrl}${SCRIPT_PATH}`, { 'Accept-Encoding': 'gzip' });
    const plain = await request(`${sut.httpUrl}${SCRIPT_PATH}`);
    const tags = [br, gzip, plain].map((response) => String(response.headers['etag']));
    for (const tag of tags) expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(new Set(tags).size).toBe(3);

    const again = await request(`${sut.httpUrl}${SCRIPT_PATH}`, {
      'Accept-Encoding': 'br',
      'If-None-Match': tags[0] ?? '',
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['etag']).toBe(tags[0]);
    expect(again.headers['vary']).toBe('Accept-Encoding');
    expect(again.headers['cache-control']).toContain('immutable');
    const listed = await request(`${sut.httpUrl}${SCRIPT_PATH}`, { 'If-None-Match': `"other", W/${tags[2] ?? ''}` });
    expect(listed.status).toBe(304);
    expect((await request(`${sut.httpUrl}${SCRIPT_PATH}`, { 'If-None-Match': '*' })).status).toBe(304);
    // Another representation's tag does not match: the gzip-only client gets the gzip bytes.
    const other = await request(`${sut.httpUrl}${SCRIPT_PATH}`, {
      'Accept-Encoding': 'gzip',
      'If-None-Match': tags[0] ?? '',
    });
    expect(other.status).toBe(200);
    expect(other.headers['content-encoding']).toBe('gzip');
  });

  it('changes the ETag when the file changes', async () => {
    const file = path.join(appDir, 'manifest.webmanifest');
    const before = (await request(`${sut.httpUrl}/manifest.webmanifest`)).headers['etag'];
    fs.writeFileSync(file, '{"name":"Carnet","short_name":"Carnet"}');
    const after = await request(`${sut.httpUrl}/manifest.webmanifest`, { 'If-None-Match': String(before) });
    expect(after.status).toBe(200);
    expect(after.headers['etag']).not.toBe(before);
    expect(after.body.toString('utf8')).toContain('short_name');
  });

  it('sends a file changed after its compressed copies were made as it is, not the stale copies', async () => {
    const file = path.join(appDir, 'sw.js');
    precompress(file);
    const fresh = await request(`${sut.httpUrl}/sw.js`, { 'Accept-Encoding': 'br' });
    expect(fresh.headers['content-encoding']).toBe('br');
    const later = new Date(Date.now() + 2000);
    fs.appendFileSync(file, '\n// a new version\n');
    fs.utimesSync(file, later, later);
    const patched = await request(`${sut.httpUrl}/sw.js`, { 'Accept-Encoding': 'br' });
    expect(patched.headers['content-encoding']).toBeUndefined();
    expect(patched.body.toString('utf8')).toContain('a new version');
  });

  it('lets go of a file when the client leaves before or while it is sent', async () => {
    /** Whether this process (the relay runs in it) holds `file` open. */
    const holdsOpen = (file: string): boolean =>
      fs.readdirSync('/proc/self/fd').some((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false;
        }
      });
    const leave = (name: string, when: 'before' | 'during'): Promise<string> => {
      const file = path.join(appDir, '_app', 'immutable', 'entry', name);
      fs.writeFileSync(file, Buffer.alloc(32 * 1024 * 1024, 0x61));
      return new Promise((resolve, reject) => {
        const req = http.get(`${sut.httpUrl}/_app/immutable/entry/${name}`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve(file);
          });
        });
        // Before: gone while the relay still hashes the new file for its ETag, before the first byte.
        if (when === 'before')
          setTimeout(() => {
            req.destroy();
            resolve(file);
          }, 20);
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') reject(error);
        });
      });
    };
    for (const file of [await leave('early.abc123.js', 'before'), await leave('late.abc123.js', 'during')]) {
      await expect.poll(() => holdsOpen(file), { timeout: 5000 }).toBe(false);
    }
  });

  it('sends no more than the length it announced when the file is rewritten in place while it is sent', async () => {
    const name = '/_app/immutable/entry/rewritten.abc123.js';
    const file = path.join(appDir, name);
    const original = 16 * 1024 * 1024;
    fs.writeFileSync(file, Buffer.alloc(original, 0x61));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const received = await new Promise<number>((resolve, reject) => {
        http
          .get(`${sut.httpUrl}${name}`, { agent }, (res) => {
            let bytes = 0;
            res.once('data', (first: Buffer) => {
              bytes += first.length;
              res.pause();
              // A rebuild writing the same name in place, longer than before, while the first copy is on its way.
              fs.writeFileSync(file, Buffer.alloc(2 * original, 0x62));
              res.on('data', (chunk: Buffer) => (bytes += chunk.length));
              res.resume();
            });
            res.on('end', () => resolve(bytes));
            res.on('error', reject);
          })
          .on('error', reject);
      });
      expect(received).toBe(original);
      // The kept-alive socket carries nothing stray: the next answer on it reads cleanly.
      const next = await new Promise<string>((resolve, reject) => {
        http
          .get(`${sut.httpUrl}/manifest.webmanifest`, { agent }, (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(next).toContain('Carnet');
    } finally {
      agent.destroy();
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await request(`${sut.httpUrl}${SCRIPT_PATH}`, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(String(fs.statSync(path.join(appDir, `${SCRIPT_PATH}.br`)).size));
    expect(head.body.length).toBe(0);
  });

  it('allows the inline boot script by its hash in the CSP', async () => {
    const expected = `'sha256-${crypto.createHash('sha256').update(INLINE).digest('base64')}'`;
    const response = await fetch(`${sut.httpUrl}/records/x`);
    expect(response.headers.get('content-security-policy')).toContain(expected);
  });
});

describe('cache policy and script hashes', () => {
  it('picks immutable, never and revalidate by path', () => {
    expect(cacheControlFor('/_app/immutable/chunks/a.js')).toContain('immutable');
    expect(cacheControlFor('/sw.js')).toBe('no-store');
    expect(cacheControlFor('/index.html')).toBe('no-store');
    expect(cacheControlFor('/manifest.webmanifest')).toBe('no-cache');
  });

  it('hashes inline scripts only, not external ones', () => {
    expect(inlineScriptHashes('<script src="/a.js"></script><script type="module">x()</script>')).toHaveLength(1);
  });
});
