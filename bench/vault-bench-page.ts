// Browser entry for the vault benchmark: bench/vault.bench.ts bundles this file with esbuild, serves it, and
// calls these functions from Playwright (population in one Chromium, each measurement in a fresh one).
import { measureBaseline, measureVault, storeReport } from './vault-bench-measure.ts';
import { populate } from './vault-bench-populate.ts';

const log = (line: string): void => {
  console.log(line);
};

export const vaultBench = {
  populate: (options: Parameters<typeof populate>[0]) => populate(options, log),
  measureVault: (known: Parameters<typeof measureVault>[0]) => measureVault(known, log),
  measureBaseline,
  storeReport,
};
export type VaultBench = typeof vaultBench;

(globalThis as { vaultBench?: VaultBench }).vaultBench = vaultBench;
document.title = 'ready';
