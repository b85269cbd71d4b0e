import { timingSafeEqual } from 'node:crypto';

/**
 * A check of a configured token (VAULT_INVITE_TOKEN, METRICS_TOKEN) in constant time for tokens of its length;
 * without a configured token nothing matches.
 */
export function tokenMatcher(expected: string | undefined): (given: string | undefined) => boolean {
  const token = expected === undefined ? undefined : Buffer.from(expected);
  return (given) => {
    if (token === undefined || given === undefined) return false;
    const bytes = Buffer.from(given);
    return bytes.length === token.length && timingSafeEqual(bytes, token);
  };
}
