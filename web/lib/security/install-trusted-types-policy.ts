/** The slice of the Trusted Types API used here (TypeScript's DOM library does not declare it yet). */
interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createScriptURL?: (input: string) => string | null }): unknown;
}

/** Script URLs the app itself loads through a string-only API. */
const ALLOWED_SCRIPT_URLS = new Set(['/sw.js']);

let installed = false;

/**
 * The CSP requires Trusted Types for script sinks. Workbox (through virtual:pwa-register) registers the
 * service worker with a plain string, which the browser then hands to a policy named "default": this one
 * lets exactly the app's own service worker URL through and nothing else. It defines no createHTML or
 * createScript, so HTML or script strings reaching a sink are still refused.
 */
export function installTrustedTypesPolicy(): void {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;
  if (installed || factory === undefined) return;
  installed = true;
  factory.createPolicy('default', {
    createScriptURL: (input) => {
      const url = new URL(input, location.href);
      return url.origin === location.origin && ALLOWED_SCRIPT_URLS.has(url.pathname) ? url.href : null;
    },
  });
}
