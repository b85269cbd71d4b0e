import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { helloFrame, openTestSocket } from '#tests/helpers/ws-client';

interface RunningRelay {
  child: ChildProcess;
  port: number;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts `sync-server/main.ts` as its own process, the way `npm start` does after building. */
async function spawnRelay(args: string[], env: Record<string, string> = {}): Promise<RunningRelay> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts', ...args], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      APP_DIR: path.join(dataDir, 'no-app'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
    });
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
    void exited.then(() => {
      reject(new Error(`relay exited before listening:\n${lines.join('\n')}`));
    });
  });
  return { child, port, lines, exited };
}

describe('relay process', () => {
  let running: RunningRelay | undefined;
  afterEach(() => {
    running?.child.kill('SIGKILL');
    running = undefined;
  });

  it('on SIGTERM closes its sockets (1001) and exits 0 within 5 s', async () => {
    running = await spawnRelay([]);
    const socket = await openTestSocket(`ws://127.0.0.1:${running.port}/sync`);
    expect(await socket.request(helloFrame())).toMatchObject({
      type: 'welcome',
    });
    const sentAt = Date.now();
    running.child.kill('SIGTERM');
    const [closed, exit] = await Promise.all([socket.closed, running.exited]);
    expect(closed.code).toBe(1001);
    expect(exit.code).toBe(0);
    expect(exit.at - sentAt).toBeLessThan(5000);
    const stopping = running.lines.find((line) => line.includes('"msg":"stopping"'));
    expect(stopping).toContain('"sockets":1');
  });

  it('logs structured JSON lines', async () => {
    running = await spawnRelay(['--log-level', 'debug']);
    const parsed = running.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of parsed) expect(Object.keys(line).slice(0, 3)).toEqual(['time', 'level', 'msg']);
    expect(parsed.find((line) => line.msg === 'relay listening')).toMatchObject({ level: 'info', store: 'sqlite' });
    running.child.kill('SIGTERM');
    await running.exited;
  });

  it('fails to start with a clear message that does not contain the database password', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
      env: { ...process.env, PORT: '0', DATABASE_URL: 'postgres://carnet:s3cretpw@127.0.0.1:1/carnet' },
      stdio: 'pipe',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(output).toContain('failed to start');
    expect(output).not.toContain('s3cretpw');
  });

  it('prints --help and exits 0; refuses a bad flag with exit 2', async () => {
    const help = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts', '--help'], { stdio: 'pipe' });
    let text = '';
    help.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await new Promise((resolve) => help.on('exit', resolve));
    expect(code).toBe(0);
    expect(text).toContain('DATABASE_URL');
    expect(text).toContain('default 8787');

    const bad = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts', '--port', 'eighty'], {
      stdio: 'pipe',
    });
    let err = '';
    bad.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await new Promise((resolve) => bad.on('exit', resolve))).toBe(2);
    expect(err).toContain('PORT must be');
  });
});
