// `npm run bench -- NAME [args]`: runs bench/NAME.bench.ts (each benchmark measures its own baseline in the same run).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const [name, ...rest] = process.argv.slice(2);
const available = fs
  .readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME\navailable: ${available.join(', ')}`);
  process.exit(name === undefined ? 0 : 2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `bench/${name}.bench.ts`, ...rest], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
