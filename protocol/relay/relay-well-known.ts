import * as v from 'valibot';
import { isRelayOrigin } from './is-relay-origin.ts';

/** Where a relay publishes its descriptor (PROTOCOL.md §11.1). */
export const RELAY_WELL_KNOWN_PATH = '/.well-known/carnet-relay.json';

/**
 * The relay's descriptor at {@link RELAY_WELL_KNOWN_PATH}: its origin, Ed25519 signing key (base64url of 32
 * bytes), protocol versions and frame limit. The relay parses what it serves with this schema and clients parse
 * what they fetch with it. Unknown fields are dropped, not refused, so a relay may add fields within version 1.
 */
export const RelayWellKnown = v.object({
  v: v.literal(1),
  origin: v.custom<string>(isRelayOrigin, 'not a relay origin (https, or http on a loopback host)'),
  // 32 bytes are 43 base64url characters, the last carrying 4 bits: only its canonical forms are accepted.
  signingKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'not the base64url of 32 bytes')),
  protocols: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(16)),
  maxFrameBytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type RelayWellKnown = v.InferOutput<typeof RelayWellKnown>;
