// Issue 11, part 6: the badge under a lab result read "Normal", which a patient takes for "my result is normal"
// even when a value is High. A sharing level's words must never be a lab flag's words, in any language.
import { describe, expect, it } from 'vitest';
import de from '../../web/lib/i18n/messages/de.ts';
import en from '../../web/lib/i18n/messages/en.ts';
import fr from '../../web/lib/i18n/messages/fr.ts';

const catalogues = { en, fr, de } as const;
const LEVEL_KEYS = ['level_normal', 'level_restricted', 'level_secret'] as const;
const FLAG_KEYS = ['flag_low', 'flag_high', 'flag_normal', 'flag_abnormal'] as const;

/** Lower-case words, accents kept ("Élevé" -> "élevé"), split on anything that is not a letter. */
const words = (text: string): string[] =>
  text
    .toLocaleLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);

/** Stems shared by a flag and its inflections in fr and de ("normal", "normale", "normaler", "normalement"). */
const stems = (text: string): string[] => words(text).map((word) => word.slice(0, Math.max(4, word.length - 2)));

describe('sharing level words', () => {
  it('no level name is, holds or inflects a lab flag word of the same language (en, fr, de)', () => {
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      const flags = FLAG_KEYS.flatMap((key) => stems(catalogue[key]));
      expect(flags.length, locale).toBeGreaterThanOrEqual(4);
      for (const key of LEVEL_KEYS) {
        const label = catalogue[key];
        for (const word of words(label)) {
          for (const flag of flags) {
            expect(word.startsWith(flag), `${locale}.${key} "${label}" reads like the flag "${flag}…"`).toBe(false);
          }
        }
        expect(
          FLAG_KEYS.map((flagKey) => catalogue[flagKey]),
          `${locale}.${key}`,
        ).not.toContain(label);
      }
    }
  });

  it('control: the check catches the old names', () => {
    const old = { en: 'Normal', fr: 'Normal', de: 'Normal' };
    for (const [locale, label] of Object.entries(old)) {
      const flags = FLAG_KEYS.flatMap((key) => stems(catalogues[locale as keyof typeof catalogues][key]));
      expect(
        words(label).some((word) => flags.some((flag) => word.startsWith(flag))),
        locale,
      ).toBe(true);
    }
    // "Normale" and "normaler" are caught too.
    expect(stems('Normal').some((flag) => 'normale'.startsWith(flag) && 'normaler'.startsWith(flag))).toBe(true);
  });

  it('every level name says it is about sharing, in each language', () => {
    const sharing = { en: /shar/i, fr: /partag/i, de: /geteilt|teilen/i };
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      for (const key of LEVEL_KEYS) {
        expect(catalogue[key], `${locale}.${key}`).toMatch(sharing[locale as keyof typeof sharing]);
      }
    }
  });
});
