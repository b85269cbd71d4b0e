import crypto from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/**
 * The Trusted Types policies the app may create, each once:
 * - `svelte-trusted-html`: Svelte 5 builds every component's static markup through a <template>'s innerHTML,
 *   wrapped in this policy (svelte/internal reconciler); the markup comes from the compiled bundle only.
 * - `default`: web/lib/security/install-trusted-types-policy.ts; lets only the app's own /sw.js through
 *   ServiceWorkerContainer.register(), which Workbox calls with a plain string.
 */
export const TRUSTED_TYPES_POLICIES = ['svelte-trusted-html', 'default'] as const;

/**
 * SvelteKit's route announcer is the one element with an inline style attribute (its generated root
 * component). 'unsafe-hashes' with this hash allows exactly that attribute value and no other inline style;
 * tests/sync-server/security-headers.test.ts fails if a kit upgrade changes it (design-system.css hides
 * the announcer the same way, so a stale hash costs a console warning, not a visible glitch).
 */
export const KIT_ANNOUNCER_STYLE =
  'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const KIT_ANNOUNCER_STYLE_HASH = `sha256-${crypto.createHash('sha256').update(KIT_ANNOUNCER_STYLE, 'utf8').digest('base64')}`;

export interface SecurityHeaderOptions {
  /** 'sha256-…' sources for the inline scripts of index.html (computed from the built file at start). */
  scriptHashes: readonly string[];
  /** Extra origins the app may connect to (a relay on another origin); the app's own origin is always allowed. */
  connectOrigins: readonly string[];
  /** Send HSTS: only when the public origin is https. */
  hsts: boolean;
}

/**
 * The one place that decides the security headers of every response the relay serves
 * (app shell, API, errors alike). docs/ARCHITECTURE.md, "Content Security Policy", explains each line.
 */
export function buildSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const csp = [
    `default-src 'self'`,
    // libsodium runs as WebAssembly: 'wasm-unsafe-eval' allows compiling it, not JavaScript eval.
    `script-src 'self' 'wasm-unsafe-eval' ${options.scriptHashes.map((h) => `'${h}'`).join(' ')}`.trim(),
    // No inline <style> and no style attributes, except Kit's announcer (KIT_ANNOUNCER_STYLE): Svelte's
    // transitions use the Web Animations API and component styles ship as .css files.
    `style-src 'self'`,
    `style-src-attr 'unsafe-hashes' '${KIT_ANNOUNCER_STYLE_HASH}'`,
    `img-src 'self' blob: data:`,
    `font-src 'self'`,
    `connect-src 'self' ${options.connectOrigins.join(' ')}`.trim(),
    `worker-src 'self'`,
    `manifest-src 'self'`,
    `media-src 'self' blob:`,
    `frame-src 'self' blob:`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    // Trusted Types: DOM sinks that can run script (innerHTML, script.src, eval…) refuse plain strings.
    // Only the named policies may be created; docs/ARCHITECTURE.md ("Content Security Policy") says why each.
    `require-trusted-types-for 'script'`,
    `trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`,
  ].join('; ');
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
  };
  if (options.hsts) headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains';
  return headers;
}

export function securityHeaders(options: SecurityHeaderOptions): MiddlewareHandler {
  const headers = buildSecurityHeaders(options);
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
