import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlFor, inlineScriptHashes } from '#sync-server/static-app';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';

const INLINE = 'console.log("boot")';

function writeFixtureApp(dir: string): void {
  fs.mkdirSync(path.join(dir, '_app', 'immutable', 'entry'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html><body><div id="app"></div><script>${INLINE}</script></body></html>`,
  );
  fs.writeFileSync(path.join(dir, '_app', 'immutable', 'entry', 'start.abc123.js'), 'export const x = 1;');
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

  it('never serves a file outside the app folder', async () => {
    for (const probe of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/_app/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const response = await fetch(`${sut.httpUrl}${probe}`);
      expect(await response.text(), probe).not.toContain('outside the app folder');
    }
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
