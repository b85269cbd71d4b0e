/** The slice of the Trusted Types API used here (TypeScript's DOM library does not declare it yet). */
interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createScriptURL?: (input: string) => string | null }): unknown;
}

/** Script URLs the app itself loads through a string-only API. */
const ALLOWED_SCRIPT_URLS = new Set(['/sw.js']);
/** The build's own hashed chunks: the key-derivation worker (`new Worker(url)`) lives here. */
const ALLOWED_SCRIPT_PREFIX = '/_app/immutable/';

let installed = false;

/** Whether `input` is one of the app's own script URLs: /sw.js or a hashed build file, on this origin. */
export function isAllowedScriptUrl(input: string, base: string): boolean {
  const url = new URL(input, base);
  if (url.origin !== new URL(base).origin || url.search !== '' || url.hash !== '') return false;
  if (ALLOWED_SCRIPT_URLS.has(url.pathname)) return true;
  // The URL parser has already resolved any `..`, so a prefix check cannot be walked around.
  return url.pathname.startsWith(ALLOWED_SCRIPT_PREFIX) && url.pathname.endsWith('.js');
}

/**
 * The CSP requires Trusted Types for script sinks. Workbox (through virtual:pwa-register) registers the
 * service worker with a plain string, and `new Worker(url)` takes one too; the browser then hands the string
 * to a policy named "default": this one lets exactly the app's own service worker and its own hashed build
 * files (under /_app/immutable/) through, and nothing else. It defines no createHTML or createScript, so HTML
 * or script strings reaching a sink are still refused.
 */
export function installTrustedTypesPolicy(): void {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;
  if (installed || factory === undefined) return;
  installed = true;
  factory.createPolicy('default', {
    createScriptURL: (input) => (isAllowedScriptUrl(input, location.href) ? new URL(input, location.href).href : null),
  });
}
