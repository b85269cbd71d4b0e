import { describe, expect, it } from 'vitest';
import { isAllowedScriptUrl } from '../../web/lib/security/install-trusted-types-policy.ts';

const BASE = 'https://carnet.example/records/1';

describe(isAllowedScriptUrl.name, () => {
  it.each([
    '/sw.js',
    '/_app/immutable/workers/kdf-worker-DjwOXqJe.js',
    'https://carnet.example/_app/immutable/chunks/a.js',
  ])('lets the app’s own %s through', (url) => {
    expect(isAllowedScriptUrl(url, BASE)).toBe(true);
  });

  it.each([
    'https://evil.example/_app/immutable/x.js',
    '/evil.js',
    '/_app/immutable/../../evil.js',
    '/_app/immutable/x.js?x=1',
    '/_app/immutable/x.css',
    'data:text/javascript,alert(1)',
    'blob:https://carnet.example/1234',
    '/sw.js#x',
  ])('refuses %s', (url) => {
    expect(isAllowedScriptUrl(url, BASE)).toBe(false);
  });
});
