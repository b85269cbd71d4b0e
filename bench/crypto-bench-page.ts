// Browser entry for the crypto benchmark: bench/crypto.bench.ts bundles this file with esbuild, serves it and
// calls `runCryptoBench` from Playwright, so Chromium runs exactly the code Node ran.
import { runCryptoBench } from './crypto-bench-run.ts';

(globalThis as { runCryptoBench?: typeof runCryptoBench }).runCryptoBench = runCryptoBench;
document.title = 'ready';
