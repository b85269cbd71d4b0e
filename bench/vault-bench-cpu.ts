// CPU time of the Chromium processes of one profile, read from /proc (Linux), for `npm run bench -- vault`.
// On a shared machine the wall clock of a phase grows with everyone else's load; the CPU time the renderer's
// main thread and the storage service (IndexedDB's backend) spend on it does not. The page calls the exposed
// `benchCpuMark(label)` at the start and the end of a phase and waits for the answer, so the marks are taken
// while the page is idle.
import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime in ms of a /proc stat line (fields 14 and 15, after the parenthesised command). */
function statMs(path: string): number | undefined {
  try {
    const text = fs.readFileSync(path, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/** Renderer main threads (`r<pid>`) and storage services (`s<pid>`) of the Chromium running on `profileDir`. */
export function cpuSnapshot(profileDir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let argv: string[];
    try {
      // Chromium rewrites its children's command lines into one space-separated title.
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    } catch {
      continue;
    }
    if (!argv.includes(`--user-data-dir=${profileDir}`)) continue;
    if (argv.includes('--type=renderer')) {
      const ms = statMs(`/proc/${pid}/task/${pid}/stat`);
      if (ms !== undefined) out.set(`r${pid}`, ms);
    } else if (argv.includes('--utility-sub-type=storage.mojom.StorageService')) {
      const ms = statMs(`/proc/${pid}/stat`);
      if (ms !== undefined) out.set(`s${pid}`, ms);
    }
  }
  return out;
}

export interface CpuSpent {
  /** The busiest renderer's main thread (the page's: other renderers idle). */
  rendererMs: number;
  storageMs: number;
}

export function cpuBetween(before: Map<string, number>, after: Map<string, number>): CpuSpent {
  let rendererMs = 0;
  let storageMs = 0;
  for (const [key, ms] of after) {
    const delta = ms - (before.get(key) ?? ms);
    if (key.startsWith('r')) rendererMs = Math.max(rendererMs, delta);
    else storageMs += delta;
  }
  return { rendererMs, storageMs };
}
