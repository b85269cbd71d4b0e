// Bundles the harness page with esbuild and serves it on a free port (one origin, so IndexedDB persists across
// browser restarts that reuse the same profile).
import { build } from 'esbuild';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface HarnessServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHarnessServer(): Promise<HarnessServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-harness-'));
  await build({
    entryPoints: ['tests/e2e/harness/vault-harness-page.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'harness.js'),
    logLevel: 'warning',
  });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><title>loading</title><script type="module" src="/harness.js"></script></html>',
  );
  const server = http.createServer((req, res) => {
    const file = req.url === '/harness.js' ? 'harness.js' : 'index.html';
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(fs.readFileSync(path.join(dir, file)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${String(address.port)}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
