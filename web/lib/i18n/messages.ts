import de from '../../../messages/de.json';
import en from '../../../messages/en.json';
import fr from '../../../messages/fr.json';
import { getLocale, type Locale } from './runtime.ts';

/** Every message key, from the English catalogue (the reference language). */
export type MessageKey = Exclude<keyof typeof en, '$schema'>;
type Catalogue = Record<MessageKey, string>;

// The type annotations are the completeness check: a message missing from French or German fails svelte-check.
const catalogues: Record<Locale, Catalogue> = { en, fr, de };

export type MessageParams = Record<string, string | number>;

/** `{name}` placeholders replaced by params; a missing param stays visible rather than vanishing. */
export function format(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** `m.key(params?)` in the current language, the same call shape the components use. */
export const m = Object.fromEntries(
  (Object.keys(en) as (MessageKey | '$schema')[])
    .filter((key): key is MessageKey => key !== '$schema')
    .map((key) => [key, (params?: MessageParams) => format(catalogues[getLocale()][key], params)]),
) as Record<MessageKey, (params?: MessageParams) => string>;
