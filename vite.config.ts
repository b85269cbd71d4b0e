import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { firstScreenChunk } from './web/first-screen-chunk.ts';

/** The static manifest's revision for the precache: a change to the file reaches installed apps. */
const manifestRevision = createHash('sha256')
  .update(readFileSync(new URL('./static/manifest.webmanifest', import.meta.url)))
  .digest('hex')
  .slice(0, 16);

export default defineConfig({
  plugins: [
    sveltekit(),
    {
      // The first screen's own code as one chunk (web/first-screen-chunk.ts), in the browser build only.
      name: 'carnet-first-screen-chunk',
      apply: 'build',
      outputOptions(options) {
        if (this.environment.config.build.ssr !== false) return null;
        return {
          ...options,
          codeSplitting: { groups: [{ name: firstScreenChunk(), debugName: 'first-screen' }] },
        };
      },
    },
    SvelteKitPWA({
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'generateSW',
      filename: 'sw.js',
      // The manifest is a static file (static/manifest.webmanifest), linked from web/app.html.
      manifest: false,
      // SvelteKit's preview/static output has no /index.html route of its own: map the fallback to '/'.
      kit: { adapterFallback: 'index.html', spa: { fallbackMapping: '/' } },
      workbox: {
        navigateFallback: '/',
        // First visit: take control at once so the app works offline without a second load. Updates still
        // wait for the person's "Reload now" (registerType 'prompt': no skipWaiting until then).
        clientsClaim: true,
        globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webmanifest,woff2}'],
        // @vite-pwa/sveltekit drops manifest.webmanifest from the globbed entries (it expects to write its own,
        // which `manifest: false` turns off), so an offline app had no manifest: it is added back here.
        additionalManifestEntries: [{ url: 'manifest.webmanifest', revision: manifestRevision }],
        // One self-contained sw.js: no importScripts() of a workbox chunk, which Trusted Types would police.
        inlineWorkboxRuntime: true,
        runtimeCaching: [
          {
            // The relay's descriptor: fresh when online, the last copy offline (a vault can then be created
            // offline after a first visit; web/lib/vault/load-relay-descriptor.ts also keeps it in localStorage).
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname === '/.well-known/carnet-relay.json',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'carnet-relay-descriptor',
              networkTimeoutSeconds: 5,
              expiration: { maxEntries: 1 },
            },
          },
        ],
      },
    }),
  ],
  build: { target: 'es2022' },
  // The key-derivation worker is a module worker (vault/session/kdf-worker.ts) that imports libsodium.
  worker: { format: 'es' },
  server: {
    port: 5173,
    strictPort: true,
    // `npm run dev`: the relay runs on :8787; the dev server forwards its endpoints there.
    proxy: { '/sync': { target: 'ws://127.0.0.1:8787', ws: true }, '/healthz': 'http://127.0.0.1:8787' },
  },
});
