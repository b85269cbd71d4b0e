// `npm start`: build the PWA when the build is missing or older than its sources, then run the relay
// in this process (so SIGTERM reaches it directly). Arguments after `--` go to the relay (`npm start -- --help`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wantsHelp = process.argv.includes('--help') || process.argv.includes('-h');

/** Newest modification time under the given paths (files or folders), skipping generated folders. */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      if (path.basename(p) === 'node_modules') return;
      for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(path.join(root, p)));
  return newest;
}

const built = path.join(root, 'build', 'index.html');
const sources = [
  'web',
  'static',
  'vault',
  'protocol',
  'crypto',
  'svelte.config.js',
  'vite.config.ts',
  'package-lock.json',
];
const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
if (!wantsHelp && (builtAt === 0 || newestMtime(sources) > builtAt)) {
  console.error(
    builtAt === 0 ? 'carnet: building the app (first start)…' : 'carnet: sources changed, rebuilding the app…',
  );
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    console.error('carnet: the app build failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
}

const { register } = await import('tsx/esm/api');
register();
process.chdir(root);
await import(path.join(root, 'sync-server', 'main.ts'));
