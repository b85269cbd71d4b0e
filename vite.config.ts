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
      manifest: false,
      // SvelteKit's preview/static output has no /index.html route of its own: map the fallback to '/'.
      kit: { adapterFallback: 'index.html', spa: { fallbackMapping: '/' } },
      workbox: {
        navigateFallback: '/',
        globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webmanifest,woff2}'],
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
