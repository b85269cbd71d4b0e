import * as v from 'valibot';
import { isRelayOrigin, RelayWellKnown } from '#protocol/relay/index';
import type { RelayDescriptor } from '../vault-api.ts';

/** What a new vault pins (and what the app keeps on the device between visits): the relay's origin and key. */
export const PinnedRelay = v.object({
  origin: v.custom<string>(isRelayOrigin, 'not a relay origin (https, or http on a loopback host)'),
  publicKeyHex: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'not 64 lowercase hex characters')),
});

// atob, not libsodium: the descriptor is read before libsodium has loaded. The schema checked the alphabet.
function hexOfBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Array.from(binary, (char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

/**
 * The relay a new vault may pin, read from the relay's descriptor (`RelayWellKnown`, PROTOCOL.md §11.1) or
 * from a {@link RelayDescriptor} kept earlier; undefined for anything else. Both go through the one origin rule.
 *
 * @example
 * const relay = readRelayDescriptor(await (await fetch(RELAY_WELL_KNOWN_PATH)).json());
 * // { origin: 'https://carnet.example', publicKeyHex: '3f…' } or undefined
 */
export function readRelayDescriptor(value: unknown): RelayDescriptor | undefined {
  const wellKnown = v.safeParse(RelayWellKnown, value);
  if (wellKnown.success) {
    return { origin: wellKnown.output.origin, publicKeyHex: hexOfBase64url(wellKnown.output.signingKey) };
  }
  const kept = v.safeParse(PinnedRelay, value);
  return kept.success ? kept.output : undefined;
}
