import type { MiddlewareHandler } from 'hono';

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
 * (app shell, API, errors alike). docs/THREAT_MODEL.md explains each line.
 */
export function buildSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const csp = [
    `default-src 'self'`,
    // libsodium runs as WebAssembly: 'wasm-unsafe-eval' allows compiling it, not JavaScript eval.
    `script-src 'self' 'wasm-unsafe-eval' ${options.scriptHashes.map((h) => `'${h}'`).join(' ')}`.trim(),
    `style-src 'self'`,
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
  ].join('; ');
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
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
