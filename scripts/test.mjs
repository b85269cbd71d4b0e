// `npm test` (and `npm run test:long` with CARNET_LONG=1): every check, stage by stage, each with its time.
import { spawnSync } from 'node:child_process';

const long = process.env.CARNET_LONG === '1';
const bin = (name) => `node_modules/.bin/${name}`;
const stages = [
  ['browser', 'node', ['scripts/ensure-chromium.mjs']],
  ['kit sync', bin('svelte-kit'), ['sync']],
  ['svelte-check', bin('svelte-check'), ['--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']],
  ['tsc (sources and tests)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['eslint', bin('eslint'), ['.']],
  ['prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
  ['vitest', bin('vitest'), ['run']],
  ['build', bin('vite'), ['build', '--logLevel', 'warn']],
  ['playwright', bin('playwright'), ['test']],
];
const only = process.argv.slice(2);
console.log(
  long
    ? 'carnet test: LONG mode: property tests x20 runs, relay kill -9 200 seeded runs, crash safety 100 kills (5 vaults of 20), ' +
        'axe in en/fr/de x light/dark, screenshots in 4 sizes and themes'
    : 'carnet test: default mode: property tests at their base runs, relay kill -9 20 seeded runs, crash safety 20 ' +
        'kills, axe in en (light, dark), fr (dark), de (light), screenshots phone-dark and desktop ' +
        '(the full counts: npm run test:long)',
);
const times = [];
for (const [name, command, args] of stages) {
  if (only.length > 0 && !only.includes(name.split(' ')[0])) continue;
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  times.push(`${name}: ${seconds} s`);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds} s`);
    console.log(times.join('\n'));
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${name} (${seconds} s)`);
}
console.log('\nstage times:\n  ' + times.join('\n  '));
