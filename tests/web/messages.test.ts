// The catalogues (web/lib/i18n/messages/*.ts): every language has every message, with the parameters the
// English text names, and plural forms the language's Intl.PluralRules can pick; `m` fills them in.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue, Message } from '../../web/lib/i18n/catalogue.ts';
import { format, loadMessages, m } from '../../web/lib/i18n/messages.ts';
import de from '../../web/lib/i18n/messages/de.ts';
import en from '../../web/lib/i18n/messages/en.ts';
import fr from '../../web/lib/i18n/messages/fr.ts';
import { locales, type Locale } from '../../web/lib/i18n/runtime.ts';

const catalogues: Record<Locale, Catalogue> = { en, fr, de };
const keys = Object.keys(en).sort();

/** Every text of a message: itself, or each of its plural forms. */
const texts = (message: Message): string[] => (typeof message === 'string' ? [message] : Object.values(message));

const placeholders = (message: Message): string[] =>
  [
    ...new Set(texts(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? ''))),
  ].sort();

describe('web/lib/i18n/messages/*.ts', () => {
  it('every language has exactly the English keys', () => {
    expect(locales).toEqual(['en', 'fr', 'de']);
    for (const locale of locales) expect(Object.keys(catalogues[locale]).sort(), locale).toEqual(keys);
  });

  it('holds the attachment viewer’s messages (merged from its own catalogue)', () => {
    for (const key of ['attachment_show', 'attachment_page', 'attachment_zoom_in', 'attachment_protected']) {
      expect(keys, key).toContain(key);
    }
  });

  it('every translation keeps the English parameters, is not empty, and has no stray brace', () => {
    for (const key of keys) {
      const reference = en[key as keyof typeof en];
      for (const locale of locales) {
        const message = catalogues[locale][key as keyof Catalogue];
        expect(typeof message, `${locale}.${key}`).toBe(typeof reference);
        expect(placeholders(message), `${locale}.${key}`).toEqual(placeholders(reference));
        for (const text of texts(message)) {
          expect(text.trim(), `${locale}.${key}`).not.toBe('');
          expect(text.replace(/\{\w+\}/g, ''), `${locale}.${key}`).not.toMatch(/[{}]/);
        }
      }
    }
  });

  it('a plural has "other", forms its language uses only, and a count', () => {
    const plurals = keys.filter((key) => typeof en[key as keyof typeof en] !== 'string');
    expect(plurals.length).toBeGreaterThanOrEqual(5);
    for (const key of plurals) {
      expect(placeholders(en[key as keyof typeof en]), key).toContain('count');
      for (const locale of locales) {
        const message = catalogues[locale][key as keyof Catalogue];
        if (typeof message === 'string') throw new Error(`${locale}.${key} is not a plural`);
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
        expect(Object.keys(message), `${locale}.${key}`).toContain('other');
        for (const form of Object.keys(message)) expect(categories, `${locale}.${key}.${form}`).toContain(form);
      }
    }
  });
});

describe(format.name, () => {
  it('fills placeholders and leaves a missing one visible', () => {
    expect(format('Page {page} of {pages}', { page: 2, pages: 9 }, 'en')).toBe('Page 2 of 9');
    expect(format('Hello {name}', {}, 'en')).toBe('Hello {name}');
  });

  it('picks the plural form with Intl.PluralRules and writes the count in the language', () => {
    const files = { one: '{count} fichier', other: '{count} fichiers' };
    expect(format(files, { count: 0 }, 'fr')).toBe('0 fichier');
    expect(format(files, { count: 1 }, 'fr')).toBe('1 fichier');
    expect(format(files, { count: 2 }, 'fr')).toBe('2 fichiers');
    // French has a "many" form for a million; without a text of its own, "other" is used.
    expect(format(files, { count: 1_000_000 }, 'fr')).toBe('1\u202f000\u202f000 fichiers');
    expect(format({ one: '{count} Datei', other: '{count} Dateien' }, { count: 1234 }, 'de')).toBe('1.234 Dateien');
  });
});

describe('m', () => {
  beforeAll(async () => {
    await loadMessages('en');
  });

  it('speaks the loaded language, plurals included', () => {
    expect(m.app_name()).toBe('Carnet');
    expect(m.card_files({ count: 1 })).toBe('1 file');
    expect(m.card_files({ count: 3 })).toBe('3 files');
    expect(m.error_recovery_key_short({ count: 1 })).toMatch(/^One character/);
    expect(m.attachment_page({ page: 1, pages: 2 })).toBe('Page 1 of 2');
  });

  it('is typed by the English texts: exactly their parameters, and a number to pick a plural (tsc checks this)', () => {
    // @ts-expect-error a text without parameters takes none
    expect(m.app_name({ name: 'x' })).toBe('Carnet');
    // @ts-expect-error "Page {page} of {pages}" needs both
    expect(m.attachment_page({ page: 1 })).toBe('Page 1 of {pages}');
    // @ts-expect-error a plural's count is a number
    expect(m.card_files({ count: '2' })).toBe('2 files');
    // @ts-expect-error a plural needs its count
    expect(m.card_files()).toBe('NaN files');
  });
});
