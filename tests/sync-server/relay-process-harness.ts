// Runs the real relay (sync-server/main.ts) as its own process for the kill -9 runs. tsx costs ~1.5 s per start,
// too slow for dozens of restarts, so main.ts is bundled once with esbuild (tsx's own compiler; node_modules stay
// external) into node_modules/.cache and started with plain node: the same code, started in ~100 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface RelayProcess {
  child: ChildProcess;
  port: number;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

// node_modules is shared between git worktrees (a symlink), so one fixed bundle path let one worktree's tests
// start another worktree's relay: the path names the worktree. It stays under node_modules so the bundle's
// external imports resolve.
const BUNDLE = path.resolve(
  'node_modules/.cache/carnet-relay-process',
  `relay-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}.mjs`,
);

/** Bundles sync-server/main.ts (once per test file); returns the bundle's path. */
export async function bundleRelay(): Promise<string> {
  const { build } = await import('esbuild');
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  const result = await build({
    entryPoints: ['sync-server/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  // Written aside, then renamed: test files bundling at once never start a half-written relay.
  const temp = `${BUNDLE}.${process.pid}.tmp`;
  fs.writeFileSync(temp, result.outputFiles[0]?.contents ?? new Uint8Array());
  fs.renameSync(temp, BUNDLE);
  return BUNDLE;
}

/** Starts the bundled relay on DATA_DIR `dataDir`, a free port, and resolves once it logs its URL. */
export async function startRelayProcess(
  bundle: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RelayProcess> {
  const child = spawn(process.execPath, [bundle], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      APP_DIR: path.join(dataDir, 'no-app'),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        const match = /"url":"http:\/\/[^:]+:(\d+)"/.exec(line);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    void exited.then(() => reject(new Error(`relay exited before listening:\n${lines.join('\n')}`)));
  });
  return { child, port, lines, exited };
}
