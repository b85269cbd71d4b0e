import { describe, expect, it } from 'vitest';
import { peekReturnPath, rememberReturnPath, takeReturnPath } from '../../web/lib/nav/return-after-unlock.ts';
import { safeAppPath } from '../../web/lib/nav/safe-app-path.ts';

const RECORD = '/records/0123456789abcdef0123456789abcdef';

/** sessionStorage as Node lacks it: a Map behind the Storage interface. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

describe(safeAppPath.name, () => {
  it('keeps a page of the app with its query', () => {
    expect(safeAppPath(RECORD)).toBe(RECORD);
    expect(safeAppPath('/?category=lab-result&from=2026-01-01')).toBe('/?category=lab-result&from=2026-01-01');
    expect(safeAppPath('/settings')).toBe('/settings');
    // A fragment is not part of the place: dropped.
    expect(safeAppPath('/settings#x')).toBe('/settings');
    // Dot segments stay on the origin: normalised, not refused.
    expect(safeAppPath('/records/../settings')).toBe('/settings');
    // An escaped new line stays escaped, and so on the app.
    expect(safeAppPath('/%0a//evil.example')).toBe('/%0a//evil.example');
  });

  it.each([
    '//evil.example',
    '//evil.example/records/1',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /records',
    'https://evil.example/',
    'javascript:alert(1)',
    'data:text/html,hi',
    'records/1',
    '',
    `/${'x'.repeat(3000)}`,
  ])('refuses %j', (value) => {
    expect(safeAppPath(value)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, ['/settings'], { toString: () => '/settings' }]) {
      expect(safeAppPath(value)).toBeUndefined();
    }
  });
});

describe(takeReturnPath.name, () => {
  it('gives the remembered page once', () => {
    const storage = memoryStorage();
    rememberReturnPath(RECORD, storage);
    expect(peekReturnPath(storage)).toBe(RECORD);
    expect(takeReturnPath(storage)).toBe(RECORD);
    expect(takeReturnPath(storage)).toBeUndefined();
    expect(peekReturnPath(storage)).toBeUndefined();
  });

  it('forgets on the overview: a lock there leaves nothing to return to', () => {
    const storage = memoryStorage();
    rememberReturnPath(RECORD, storage);
    rememberReturnPath('/', storage);
    expect(takeReturnPath(storage)).toBeUndefined();
  });

  it('ignores a planted value that leads off the app', () => {
    const storage = memoryStorage();
    for (const planted of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      storage.setItem('carnet-return-after-unlock', planted);
      expect(peekReturnPath(storage)).toBeUndefined();
      expect(takeReturnPath(storage)).toBeUndefined();
      expect(storage.length).toBe(0);
      rememberReturnPath(planted, storage);
      expect(storage.length).toBe(0);
    }
  });
});
