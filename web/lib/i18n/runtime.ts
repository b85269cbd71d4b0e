/**
 * Which language the app speaks: the person's saved choice, else the browser's languages, else English.
 *
 * Why not Paraglide: @inlang/paraglide-js 2.25 pulls @lix-js/sdk, whose lock entries name platform packages
 * that the registry does not serve, so `npm ci` (CI's install) refuses the lock file. This module and
 * messages.ts give the same API (`m.key(params)`, getLocale/setLocale) over catalogues in messages/*.ts, with
 * no code generation and no dependency: the type check proves every language has every message and every call
 * passes the parameters its text names; each language is its own chunk, loaded when spoken.
 */
export const locales = ['en', 'fr', 'de'] as const;
export type Locale = (typeof locales)[number];
export const baseLocale: Locale = 'en';

const STORAGE_KEY = 'carnet-language';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

function fromBrowser(): Locale | undefined {
  if (typeof navigator === 'undefined') return undefined;
  for (const tag of navigator.languages) {
    const language = tag.toLowerCase().split('-')[0];
    if (isLocale(language)) return language;
  }
  return undefined;
}

function saved(): Locale | undefined {
  try {
    const value = globalThis.localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    // Storage can be unavailable (private modes, blocked cookies): fall back to the browser's languages.
    return undefined;
  }
}

let current: Locale = saved() ?? fromBrowser() ?? baseLocale;
let reader: (() => Locale) | undefined;

export function getLocale(): Locale {
  return reader?.() ?? current;
}

/**
 * Lets the UI make every `m.key()` call reactive: web/lib/state/locale-state.svelte.ts passes a function that
 * reads its rune, so a template that shows a message re-renders in place when the language changes, keeping
 * whatever the person was typing (no reload, no re-created components).
 */
export function trackLocale(read: () => Locale): void {
  reader = read;
}

/** Switches language and remembers it; `reload: false` lets the UI re-render in place (the default here). */
export function setLocale(locale: Locale, options: { reload?: boolean } = {}): void {
  current = locale;
  try {
    globalThis.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered, but still switched for this page.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  if (options.reload === true) location.reload();
}
