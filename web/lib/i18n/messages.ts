import type { Catalogue, Message, MessageKey, Messages } from './catalogue.ts';
import { getLocale, type Locale } from './runtime.ts';

export type { MessageKey } from './catalogue.ts';

/** One chunk per language, fetched when the app speaks it (web/routes/+layout.ts, locale-state.svelte.ts). */
const LOADERS: Record<Locale, () => Promise<{ default: Catalogue }>> = {
  en: () => import('./messages/en.ts'),
  fr: () => import('./messages/fr.ts'),
  de: () => import('./messages/de.ts'),
};

const loaded: Partial<Record<Locale, Catalogue>> = {};
const loading = new Map<Locale, Promise<void>>();
const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * Fetches a language's messages (once; a failed fetch is tried again on the next call). The app starts it
 * for the language it opens in before the router runs (web/hooks.client.ts) and awaits it before the first
 * screen (web/routes/+layout.ts), and awaits a newly chosen language before switching: `m` always has words.
 */
export function loadMessages(locale: Locale): Promise<void> {
  let promise = loading.get(locale);
  if (promise === undefined) {
    promise = LOADERS[locale]().then(
      (module) => {
        loaded[locale] = module.default;
      },
      (error: unknown) => {
        loading.delete(locale);
        throw error;
      },
    );
    loading.set(locale, promise);
  }
  return promise;
}

/** The catalogue of a loaded language (tests read the texts through this, as the app does). */
export function messagesOf(locale: Locale): Catalogue | undefined {
  return loaded[locale];
}

function pluralRulesOf(locale: Locale): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (rules === undefined) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules;
}

/**
 * A message's text in `locale` with its `{name}` placeholders filled; a plural's form is picked by `count`,
 * which is written with the language's digit grouping ("1 234" in French). A missing param stays visible.
 *
 * @example
 * format({ one: '{count} file', other: '{count} files' }, { count: 2 }, 'en') // "2 files"
 */
export function format(message: Message, params: Readonly<Record<string, string | number>>, locale: Locale): string {
  let template: string;
  let values = params;
  if (typeof message === 'string') template = message;
  else {
    const count = Number(params['count']);
    template = message[pluralRulesOf(locale).select(count)] ?? message.other;
    values = { ...params, count: new Intl.NumberFormat(locale).format(count) };
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

function render(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  const locale = getLocale();
  const message = loaded[locale]?.[key] ?? loaded.en?.[key];
  // Only before a catalogue has loaded (never in the app, which awaits it): the key, rather than nothing.
  return message === undefined ? key : format(message, params, locale);
}

/**
 * `m.key(params)` in the current language, with exactly the parameters the English text names (and `count`
 * for a plural): `m.card_files({ count: 3 })`, `m.page_title({ page })`, `m.app_name()`.
 */
export const m: Messages = new Proxy({} as Messages, {
  get: (_target, key) => (params?: Readonly<Record<string, string | number>>) => render(key as MessageKey, params),
});
