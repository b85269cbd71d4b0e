import { loadMessages } from '$lib/i18n/messages.ts';
import { getLocale } from '$lib/i18n/runtime.ts';

// A pure single-page app: everything renders in the browser, where the keys live.
export const ssr = false;
export const prerender = false;

/** The words of the language the app starts in (one small chunk per language), before any screen shows. */
export const load = async (): Promise<void> => {
  await loadMessages(getLocale());
};
