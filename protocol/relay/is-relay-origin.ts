// From the constants module, not the crypto index: the first screen reads relay origins before libsodium loads.
import { LIMITS } from '#crypto/constants';

// Loopback hosts, where plain http is still a secure context in browsers (a relay on the developer's machine).
const LOOPBACK_HOST = /^(localhost|[a-z0-9-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The one rule for a relay origin (PROTOCOL.md §11.1): `https://host[:port]`, or `http://` on a loopback host;
 * written canonically (as `new URL(origin).origin` writes it: lowercase, punycode, no default port) since
 * clients sign it byte for byte in AUTH; no path, query, fragment or credentials; at most 255 bytes (the
 * genesis field). Used by the relay for the origin it publishes and by every client reading one.
 *
 * @example
 * isRelayOrigin('https://carnet.example'); // true
 * isRelayOrigin('http://127.0.0.1:8787'); // true
 * isRelayOrigin('http://carnet.example'); // false: plain http off the loopback
 * isRelayOrigin('https://carnet.example/'); // false: not an origin
 */
export function isRelayOrigin(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > LIMITS.relayOrigin) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.origin !== value) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
}
