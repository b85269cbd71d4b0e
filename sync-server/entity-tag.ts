import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * Strong ETags for the files of the built app: a hash of the file's bytes (read once, as a stream), remembered
 * while its size and modification time stay the same, so a request costs a stat, not a read.
 * The variant's encoding is part of the tag: the brotli and gzip bytes are other representations (RFC 9110 §8.8.3).
 */
export function createEntityTags(): (file: string, stat: fs.Stats, encoding: string | undefined) => Promise<string> {
  const known = new Map<string, { size: number; mtimeMs: number; hash: string }>();
  return async (file, stat, encoding) => {
    let entry = known.get(file);
    if (entry === undefined || entry.size !== stat.size || entry.mtimeMs !== stat.mtimeMs) {
      const hash = crypto.createHash('sha256');
      await pipeline(fs.createReadStream(file), hash);
      entry = { size: stat.size, mtimeMs: stat.mtimeMs, hash: hash.digest('base64url').slice(0, 27) };
      known.set(file, entry);
    }
    return `"${entry.hash}${encoding === undefined ? '' : `-${encoding}`}"`;
  };
}

/** Whether If-None-Match names this tag (weak comparison, as RFC 9110 §13.1.2 asks for this header), or is `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
