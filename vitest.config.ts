import { defineConfig } from 'vitest/config';

// Node-side tests: crypto, protocol, vault (fake-indexeddb), sync-server over real sockets, lint rules.
// Browser behaviour is tested by Playwright in real Chromium (tests/e2e).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
