// Issue 12, item 0: the client's real address behind a same-host TLS proxy, where every socket comes from
// 127.0.0.1 and a per-address cap would otherwise be one cap for the whole relay. X-Forwarded-For is read
// only when the socket's peer is a configured trusted proxy; anyone else could write any address in it.
import { isIP } from 'node:net';

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is 127.0.0.1. */
function normalise(address: string): string {
  const trimmed = address.trim();
  return trimmed.toLowerCase().startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * The address to count a client under: the peer's, or, when the peer is a trusted proxy, the right-most
 * X-Forwarded-For address that is not itself a trusted proxy (each proxy appends the address it saw, so
 * everything left of that was written by the client and proves nothing).
 *
 * @example
 * clientAddress('127.0.0.1', '203.0.113.7', ['127.0.0.1']) // '203.0.113.7'
 * clientAddress('198.51.100.2', '203.0.113.7', ['127.0.0.1']) // '198.51.100.2' (not a proxy: header ignored)
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly string[],
): string {
  const from = peer === undefined ? 'unknown' : normalise(peer);
  if (forwardedFor === undefined || trustedProxies.length === 0) return from;
  const trusted = new Set(trustedProxies.map(normalise));
  if (!trusted.has(from)) return from;
  const hops = forwardedFor.split(',').map(normalise);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i] ?? '';
    if (isIP(hop) === 0) return from; // a malformed hop: fall back to the proxy's own address
    if (!trusted.has(hop)) return hop;
  }
  return from;
}

/** TRUSTED_PROXIES: comma-separated IP addresses; an error message for anything else. */
export function parseTrustedProxies(text: string | undefined): string[] | { error: string } {
  if (text === undefined || text.trim() === '') return [];
  const list = text.split(',').map((a) => a.trim());
  const bad = list.find((a) => isIP(normalise(a)) === 0);
  return bad === undefined ? list.map(normalise) : { error: `TRUSTED_PROXIES: "${bad}" is not an IP address` };
}
