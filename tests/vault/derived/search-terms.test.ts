import { describe, expect, it } from 'vitest';
import { cutTerm, queryTokens, searchTerms } from '#vault/derived/search-terms';

describe('search terms', () => {
  it('are the sorted unique tokens of every text, accents folded and decimals kept whole', () => {
    expect(searchTerms(['Échographie 5,4 mg', 'echographie ÉCHO', '5.4'])).toEqual([
      '5.4',
      'echo',
      'echographie',
      'mg',
    ]);
    expect(searchTerms([])).toEqual([]);
    expect(searchTerms(['— … ?'])).toEqual([]);
    // Folding decomposes Hangul into jamo, which are letters, not marks: terms are not NFC (so rows store them
    // as raw UTF-8, not vstr).
    const [korean] = searchTerms(['한국']);
    expect(korean).toBe('한국'.normalize('NFD'));
    expect(korean?.normalize('NFC')).not.toBe(korean);
  });

  it('cut tokens to 64 UTF-16 units, to 63 rather than split a surrogate pair', () => {
    const long = 'a'.repeat(100);
    expect(searchTerms([long])).toEqual(['a'.repeat(64)]);
    const astral = `${'b'.repeat(63)}𝒜c`; // the 64th unit is the first half of 𝒜
    expect(cutTerm(astral)).toBe('b'.repeat(63));
    expect(cutTerm(`${'b'.repeat(62)}𝒜c`)).toBe(`${'b'.repeat(62)}𝒜`);
    expect(cutTerm('short')).toBe('short');
  });

  it('cut queries the same way, unique, longest first', () => {
    expect(queryTokens('mg ÉCHO echo 5,4 hémoglobine')).toEqual(['hemoglobine', 'echo', '5.4', 'mg']);
    expect(queryTokens('a'.repeat(80))).toEqual(['a'.repeat(64)]);
    expect(queryTokens(' ,. ')).toEqual([]);
  });
});
