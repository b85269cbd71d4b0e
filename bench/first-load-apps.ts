// The two apps `npm run bench -- first-load` compares, each served as `npm start` serves it (scripts/start.mjs:
// build when stale, then the relay over build/): this tree, and the baseline commit's tree, extracted into a
// temporary folder with this tree's node_modules linked in, and built there.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ServedApp {
  label: string;
  origin: string;
  stop(): Promise<void>;
}

/** A port nothing listens on now (taken by the relay a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The tree of `commit` in a temporary folder (git archive: nothing is registered in the repository). */
export function extractCommit(root: string, commit: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `carnet-first-load-${commit}-`));
  const archive = spawnSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "${dir}"`], {
    cwd: root,
    stdio: 'inherit',
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed`);
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

async function waitForHealth(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the relay exited with ${String(child.exitCode)}`);
    const ok = await fetch(`${origin}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${origin} did not answer within ${String(timeoutMs / 1000)} s`);
}

/** `node scripts/start.mjs` in `dir` on `port`, with its own data folder; resolves once /healthz answers. */
export async function startApp(label: string, dir: string, port: number): Promise<ServedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-first-load-data-'));
  const origin = `http://127.0.0.1:${String(port)}`;
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // The first start builds the app (tens of seconds on a shared machine).
    await waitForHealth(origin, child, 300_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { label, origin, stop };
}
