// Debian's Chromium as a real OS process on a persistent profile, reached over CDP, so a test can SIGKILL it
// (a crash, not a clean close) and start it again on the same profile. It runs in a process group of its own
// and a kill takes the whole group, as a crash of the machine or of the browser would: killing the main process
// alone left its storage process alive for a while under load, still holding IndexedDB's LevelDB lock, so the
// next Chromium on the profile found no databases (a test artefact, not something a patient meets).
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
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
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
  const group = child.pid;
  if (group === undefined) throw new Error('chromium has no process id');
  return {
    browser,
    async kill() {
      await killGroup(group);
    },
    async close() {
      await browser.close().catch(() => undefined);
      signalGroup(group, 'SIGTERM');
      await groupGone(group, 5000);
      await killGroup(group);
    },
  };
}

/** Sends `signal` to every process of the group; false once none is left. */
function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Waits until no process of the group is left, or `ms` passed; says which. */
async function groupGone(group: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (signalGroup(group, 0)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function killGroup(group: number): Promise<void> {
  signalGroup(group, 'SIGKILL');
  if (!(await groupGone(group, 30_000))) throw new Error(`chromium's processes outlived SIGKILL for 30 s`);
}
