// `npm start`: build the PWA when the build is missing or older than its sources, bundle the relay the same
// way, then run the relay in this process (so SIGTERM reaches it directly). Arguments after `--` go to the
// relay (`npm start -- --help`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

// The relay runs as one esbuild bundle, not through tsx: tsx keeps every function's name (esbuild's keepNames
// wraps each closure in `__name`), which gave each closure its own property table and made an idle connection
// cost 14 KiB of heap instead of 8 (`npm run bench -- relay-idle-sockets`). Packages stay external.
const relayOut = path.join(root, '.relay-build', 'main.mjs');
const relaySources = ['sync-server', 'protocol', 'crypto', 'package.json', 'package-lock.json'];
const relayBuiltAt = fs.existsSync(relayOut) ? fs.statSync(relayOut).mtimeMs : 0;
if (relayBuiltAt === 0 || newestMtime(relaySources) > relayBuiltAt) {
  const { build } = await import('esbuild');
  const partial = `${relayOut}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [path.join(root, 'sync-server', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    outfile: partial,
    logLevel: 'warning',
  });
  // Renamed into place whole: a second start at the same moment never runs half a file.
  fs.renameSync(partial, relayOut);
}
// Stacks in the logs name the TypeScript sources.
process.setSourceMapsEnabled(true);
process.chdir(root);
await import(pathToFileURL(relayOut).href);
