import { registerSW } from 'virtual:pwa-register';
import { m } from '$lib/i18n/messages.ts';
import { AppError, reportError } from '$lib/errors';
import { installTrustedTypesPolicy } from '$lib/security/install-trusted-types-policy.ts';
import { toasts } from './toasts.svelte.ts';

const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * The service worker's life as the person sees it: "works offline" once, then "a new version is ready"
 * with a button. Nothing reloads on its own: a reload is only ever the person's choice, so nothing they
 * are typing is lost; the new worker takes over (skipWaiting) and the page reloads once it controls it.
 */
class UpdateState {
  needRefresh = $state(false);
  reloading = $state(false);
  #updateServiceWorker: ((reloadPage?: boolean) => Promise<void>) | undefined;
  // Workbox can report the same waiting worker more than once; "Later" holds until the next page load.
  #postponed = false;

  start(): void {
    if (this.#updateServiceWorker !== undefined) return;
    installTrustedTypesPolicy();
    this.#updateServiceWorker = registerSW({
      immediate: true,
      onNeedRefresh: () => {
        if (!this.#postponed) this.needRefresh = true;
      },
      onOfflineReady: () => {
        toasts.show(() => m.offline_ready());
      },
      onRegisteredSW: (_url, registration) => {
        // A tab left open for days still hears about new versions.
        if (registration !== undefined) {
          setInterval(() => {
            if (navigator.onLine) registration.update().catch(() => undefined);
          }, CHECK_EVERY_MS);
        }
      },
      onRegisterError: (error: unknown) => {
        reportError(new AppError('update-failed', { cause: error }));
      },
    });
  }

  async reload(): Promise<void> {
    if (this.reloading || this.#updateServiceWorker === undefined) return;
    this.reloading = true;
    try {
      await this.#updateServiceWorker(true);
    } catch (error) {
      this.reloading = false;
      reportError(new AppError('update-failed', { cause: error }));
    }
  }

  later(): void {
    this.#postponed = true;
    this.needRefresh = false;
  }
}

export const updateState = new UpdateState();
