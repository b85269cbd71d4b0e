import { describe, expect, it } from 'vitest';
import { listAddress, readListFilters } from '../../web/lib/nav/list-filters.ts';

const at = (path: string): URL => new URL(path, 'https://carnet.test');

describe(readListFilters.name, () => {
  it('reads the category and the period from the address', () => {
    expect(readListFilters(at('/?category=lab-result&from=2026-01-01&to=2026-02-01'))).toEqual({
      category: 'lab-result',
      from: '2026-01-01',
      to: '2026-02-01',
    });
  });

  it('reads an unknown category or a malformed date as no filter', () => {
    expect(readListFilters(at('/?category=%3Cscript%3E&from=yesterday&to=2026-1-1'))).toEqual({
      category: '',
      from: '',
      to: '',
    });
  });
});

describe(listAddress.name, () => {
  it('writes the filters and drops the empty ones', () => {
    const url = at('/?from=2026-01-01');
    expect(listAddress(url, { category: 'vaccination', from: '', to: '2026-03-01' })).toBe(
      '/?category=vaccination&to=2026-03-01',
    );
    expect(listAddress(url, { category: '', from: '', to: '' })).toBe('/');
  });

  it("keeps a category list's own category", () => {
    const url = at('/records?category=prescription');
    expect(listAddress(url, { category: '', from: '2026-01-01', to: '' }, 'prescription')).toBe(
      '/records?category=prescription&from=2026-01-01',
    );
  });

  it('reads back what it wrote', () => {
    const filters = { category: 'imaging-result', from: '2025-12-31', to: '2026-06-30' } as const;
    expect(readListFilters(at(listAddress(at('/'), filters)))).toEqual(filters);
  });
});
