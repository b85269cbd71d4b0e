import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit(),
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
        // One self-contained sw.js: no importScripts() of a workbox chunk, which Trusted Types would police.
        inlineWorkboxRuntime: true,
      },
    }),
  ],
  build: { target: 'es2022' },
  server: {
    port: 5173,
    strictPort: true,
    // `npm run dev`: the relay runs on :8787; the dev server forwards its endpoints there.
    proxy: { '/sync': { target: 'ws://127.0.0.1:8787', ws: true }, '/healthz': 'http://127.0.0.1:8787' },
  },
});
