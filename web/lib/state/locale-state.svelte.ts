import { loadMessages } from '$lib/i18n/messages.ts';
import { getLocale, locales, setLocale, trackLocale, type Locale } from '$lib/i18n/runtime.ts';

/**
 * The language the app speaks. runtime.ts resolves it (the saved choice, else the browser's languages,
 * else English) and stores a choice in localStorage; this rune makes a switch re-render without a reload,
 * because a reload would drop whatever the person was typing.
 */
class LocaleState {
  current: Locale = $state(getLocale());
  readonly available: readonly Locale[] = locales;

  constructor() {
    trackLocale(() => this.current);
  }

  /** Switches once the language's messages are loaded (its own chunk), so no screen shows a missing word. */
  async set(locale: Locale): Promise<void> {
    await loadMessages(locale);
    setLocale(locale, { reload: false });
    this.current = locale;
    document.documentElement.lang = locale;
  }
}

export const localeState = new LocaleState();
