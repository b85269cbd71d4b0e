import { describe, expect, it } from 'vitest';
import de from '../../messages/de.json';
import en from '../../messages/en.json';
import fr from '../../messages/fr.json';

const catalogues = { en, fr, de } as const;

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

describe('messages/*.json', () => {
  const keys = Object.keys(en).filter((key) => key !== '$schema');

  it('every language has exactly the English keys', () => {
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      expect(
        Object.keys(catalogue)
          .filter((key) => key !== '$schema')
          .sort(),
        locale,
      ).toEqual([...keys].sort());
    }
  });

  it('every translation keeps the same placeholders and is not empty', () => {
    for (const key of keys) {
      const reference = placeholders((en as Record<string, string>)[key] ?? '');
      for (const [locale, catalogue] of Object.entries(catalogues)) {
        const text = (catalogue as Record<string, string>)[key] ?? '';
        expect(text.trim(), `${locale}.${key}`).not.toBe('');
        expect(placeholders(text), `${locale}.${key}`).toEqual(reference);
      }
    }
  });
});
