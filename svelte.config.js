import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A pure SPA: the relay serves index.html for every deep link (SPA fallback).
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true, precompress: true }),
    files: {
      assets: 'static',
      lib: 'web/lib',
      routes: 'web/routes',
      appTemplate: 'web/app.html',
      errorTemplate: 'web/error.html',
      hooks: { client: 'web/hooks.client', server: 'web/hooks.server', universal: 'web/hooks' },
      params: 'web/params',
      serviceWorker: 'web/service-worker',
    },
    // Offline deep links must import /_app/... from the root, not relative to the deep path.
    paths: { relative: false },
    // The PWA plugin (Workbox) registers the service worker; kit's own is off.
    serviceWorker: { register: false },
  },
};

export default config;
