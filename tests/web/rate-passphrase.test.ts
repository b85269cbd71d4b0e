import { describe, expect, it } from 'vitest';
import de from '../../web/lib/i18n/messages/de.ts';
import en from '../../web/lib/i18n/messages/en.ts';
import fr from '../../web/lib/i18n/messages/fr.ts';
import { EXAMPLE_PASSPHRASES, MIN_PASSPHRASE_SCORE, ratePassphrase } from '../../web/lib/vault/rate-passphrase.ts';

const HINTS = { en: en.create_passphrase_hint, fr: fr.create_passphrase_hint, de: de.create_passphrase_hint };

describe(ratePassphrase.name, () => {
  it('refuses common passwords and says why', async () => {
    const sut = await ratePassphrase('password1');
    expect(sut.score).toBeLessThan(MIN_PASSPHRASE_SCORE);
    expect(sut.warning).toBe('common');
  });

  it('accepts four unrelated words', async () => {
    expect((await ratePassphrase('kettle meadow violin august')).score).toBeGreaterThanOrEqual(MIN_PASSPHRASE_SCORE);
  });

  it('counts words from the person’s context as known', async () => {
    expect((await ratePassphrase('carnet', ['carnet'])).warning).toBe('personal');
  });

  it('rates nothing as nothing', async () => {
    expect(await ratePassphrase('')).toEqual({ score: 0, warning: null });
  });

  it('the example each language shows in its hint is the one it refuses', () => {
    for (const [locale, hint] of Object.entries(HINTS)) {
      expect(hint, locale).toContain(EXAMPLE_PASSPHRASES[locale as keyof typeof HINTS]);
    }
  });

  it('rates the hint’s example very weak in every language, however it is typed', async () => {
    for (const example of Object.values(EXAMPLE_PASSPHRASES)) {
      const variants = [
        example,
        example.toUpperCase(),
        example.split(' ').join('-'),
        example.split(' ').reverse().join(', '),
        example.normalize('NFD').replace(/\p{M}/gu, ''),
        ` ${example}. `,
      ];
      for (const variant of variants) {
        expect(await ratePassphrase(variant, ['carnet']), variant).toEqual({ score: 0, warning: 'example' });
      }
    }
  });

  it('still rates other words on their own merit', async () => {
    expect((await ratePassphrase('lamp river orange tuesday cactus')).warning).not.toBe('example');
    expect((await ratePassphrase('lamp river orange wednesday')).warning).not.toBe('example');
  });
});
