import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_ANNOUNCER_STYLE, TRUSTED_TYPES_POLICIES, buildSecurityHeaders } from '#sync-server/security-headers';

const sut = buildSecurityHeaders;

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...rest] = part.trim().split(/\s+/);
      return [name, rest.join(' ')];
    }),
  );
}

describe(buildSecurityHeaders.name, () => {
  const headers = sut({ scriptHashes: ['sha256-abc='], connectOrigins: [], hsts: false });
  const csp = directives(headers['Content-Security-Policy'] ?? '');

  it('allows scripts from the app and its hashed inline boot script only, plus WebAssembly', () => {
    expect(csp.get('script-src')).toBe("'self' 'wasm-unsafe-eval' 'sha256-abc='");
  });

  it('locks the page down: no plugins, no <base>, no framing, same-origin connections', () => {
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('connect-src')).toBe("'self'");
    expect(headers['Content-Security-Policy']).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
  });

  it('requires Trusted Types and names the only policies the app creates', () => {
    expect(csp.get('require-trusted-types-for')).toBe("'script'");
    expect(csp.get('trusted-types')).toBe(TRUSTED_TYPES_POLICIES.join(' '));
  });

  it('adds a relay on another origin to connect-src when given one', () => {
    const other = sut({ scriptHashes: [], connectOrigins: ['wss://relay.example'], hsts: true });
    expect(directives(other['Content-Security-Policy'] ?? '').get('connect-src')).toBe("'self' wss://relay.example");
    expect(other['Strict-Transport-Security']).toContain('max-age=');
  });

  it("hashes exactly the style attribute of SvelteKit's route announcer (fails when a kit upgrade changes it)", () => {
    // `svelte-kit sync` writes the root component; npm test runs it before vitest.
    const root = fs.readFileSync(path.join(import.meta.dirname, '../../.svelte-kit/generated/root.svelte'), 'utf8');
    const match = /id="svelte-announcer"[^>]*style="([^"]*)"/.exec(root);
    expect(match?.[1]).toBe(KIT_ANNOUNCER_STYLE);
    expect(csp.get('style-src')).toBe("'self'");
    expect(csp.get('style-src-attr')).toMatch(/^'unsafe-hashes' 'sha256-[A-Za-z0-9+/]+=*'$/);
  });
});
