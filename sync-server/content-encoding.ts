/** The encodings the build is precompressed in (svelte.config.js `precompress`), best first, with their file suffix. */
export const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

export type Precompressed = (typeof PRECOMPRESSED)[number];

/**
 * The q-value a request's Accept-Encoding gives `encoding` (RFC 9110 §12.5.3): its own entry, else `*`'s,
 * else 0. No header at all means "any encoding" in the RFC, but some clients omit it and cannot decode
 * (old tools, proxies): without the header nothing compressed is sent.
 */
export function acceptQuality(header: string | undefined, encoding: string): number {
  if (header === undefined) return 0;
  let wildcard: number | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const value = Number.isFinite(quality) ? Math.min(Math.max(quality, 0), 1) : 0;
    if (name.trim() === encoding) return value;
    if (name.trim() === '*') wildcard = value;
  }
  return wildcard ?? 0;
}

/**
 * The precompressed variant to send among those that exist: the one the client accepts with the highest
 * q-value (brotli on a tie, being smaller), or undefined for the file as it is.
 *
 * @example
 * pickEncoding('gzip, deflate, br', PRECOMPRESSED) // { encoding: 'br', suffix: '.br' }
 * pickEncoding('identity', PRECOMPRESSED) // undefined
 */
export function pickEncoding(
  header: string | undefined,
  available: readonly Precompressed[],
): Precompressed | undefined {
  let best: Precompressed | undefined;
  let bestQuality = 0;
  for (const variant of available) {
    const quality = acceptQuality(header, variant.encoding);
    if (quality > bestQuality) {
      best = variant;
      bestQuality = quality;
    }
  }
  return best;
}
