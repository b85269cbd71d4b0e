// Debian's Chromium as a real OS process on a persistent profile, reached over CDP, so a test can SIGKILL it
// (a crash, not a clean close) and start it again on the same profile.
import { chromium, type Browser } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromiumLaunch } from '../../../playwright.config.ts';

export interface ChromiumProcess {
  readonly browser: Browser;
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function startChromium(profileDir: string): Promise<ChromiumProcess> {
  const child: ChildProcess = spawn(
    chromiumLaunch.executablePath,
    [
      ...chromiumLaunch.args,
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${profileDir}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${text.slice(-500)}`)), 30_000);
    // Chromium logs to stderr for as long as it runs: keep only a tail, and stop looking once the address is
    // known (searching an ever-growing text on every chunk kept the test's process busy at 90% of a core).
    const onData = (chunk: Buffer): void => {
      text = (text + chunk.toString()).slice(-4096);
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve(match[1]);
      }
    };
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited with ${String(code)}: ${text.slice(-500)}`));
    });
  });
  const browser = await chromium.connectOverCDP(wsUrl);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    browser,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      await browser.close().catch(() => undefined);
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      child.kill('SIGKILL');
    },
  };
}
