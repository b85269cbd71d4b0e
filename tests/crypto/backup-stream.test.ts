// PROTOCOL.md §18.6: the backup stream round-trips any plaintext, and refuses every cut, reordering, extension,
// changed header or other recovery key with the code the vault turns into "damaged" or "wrong key".
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKUP_CHUNK_BYTES,
  BACKUP_PREFIX_BYTES,
  concat,
  decryptBackup,
  encryptBackup,
  parseBackupHeader,
  ready,
  recoveryPrincipal,
  type CryptoErrorCode,
} from '#crypto';

beforeAll(async () => {
  await ready();
});

const CHUNK = BACKUP_CHUNK_BYTES + 17;
const recovery = () => recoveryPrincipal(new Uint8Array(32).fill(3));
const header = () => ({
  vaultId: new Uint8Array(16).fill(9),
  writtenAt: 1_765_000_000_000,
  recoveryBoxPk: recovery().boxPk,
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of chunks) parts.push(part.slice());
  return concat(...parts);
}

const plain = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
const encrypt = (bytes: Uint8Array) => collect(encryptBackup([bytes.slice(0, 1000), bytes.slice(1000)], header()));
const decrypt = (bytes: Uint8Array, who = recovery()) => collect(decryptBackup([bytes], who));

async function refusedWith(bytes: Uint8Array, who = recovery()): Promise<CryptoErrorCode> {
  try {
    await decrypt(bytes, who);
  } catch (error) {
    return (error as { code: CryptoErrorCode }).code;
  }
  throw new Error('accepted');
}

describe('backup stream (§18.6)', () => {
  it('round-trips empty, exact-chunk and multi-chunk plaintexts, and says what its header holds', async () => {
    for (const size of [0, 1, BACKUP_CHUNK_BYTES, BACKUP_CHUNK_BYTES + 1, 3 * BACKUP_CHUNK_BYTES + 5]) {
      const bytes = plain(size);
      const file = await encrypt(bytes);
      expect(file.length).toBe(BACKUP_PREFIX_BYTES + size + 17 * Math.max(1, Math.ceil(size / BACKUP_CHUNK_BYTES)));
      expect(await decrypt(file)).toEqual(bytes);
      expect(parseBackupHeader(file)).toEqual(header());
    }
  });

  it('rejects a truncated, reordered or extended stream and a changed header', async () => {
    const file = await encrypt(plain(3 * BACKUP_CHUNK_BYTES + 5));
    const chunkAt = (i: number) => file.slice(BACKUP_PREFIX_BYTES + i * CHUNK, BACKUP_PREFIX_BYTES + (i + 1) * CHUNK);
    const prefix = file.slice(0, BACKUP_PREFIX_BYTES);
    const join = (...parts: Uint8Array[]) => concat(...parts);
    // Control: the untouched file opens.
    expect((await decrypt(file)).length).toBe(3 * BACKUP_CHUNK_BYTES + 5);
    // Cut at every chunk boundary, and inside the last chunk.
    for (const end of [
      BACKUP_PREFIX_BYTES,
      BACKUP_PREFIX_BYTES + CHUNK,
      BACKUP_PREFIX_BYTES + 3 * CHUNK,
      file.length - 1,
    ]) {
      expect(await refusedWith(file.slice(0, end))).toMatch(/stream_truncated|stream_bad_chunk/);
    }
    expect(await refusedWith(file.slice(0, 100))).toBe('stream_truncated');
    // Two chunks swapped; a chunk dropped; bytes added after the final chunk.
    const tail = file.slice(BACKUP_PREFIX_BYTES + 3 * CHUNK);
    expect(await refusedWith(join(prefix, chunkAt(1), chunkAt(0), chunkAt(2), tail))).toBe('stream_bad_chunk');
    expect(await refusedWith(join(prefix, chunkAt(0), chunkAt(2), tail))).toBe('stream_bad_chunk');
    expect(await refusedWith(join(file, new Uint8Array([0])))).toMatch(/stream_trailing|stream_bad_chunk/);
    const whole = await encrypt(plain(BACKUP_CHUNK_BYTES));
    expect(await refusedWith(join(whole, new Uint8Array([0])))).toBe('stream_trailing');
    // The header is the seal's context: a changed time fails to open, another kit is told apart.
    const later = file.slice();
    later[33] = (later[33] ?? 0) ^ 1;
    expect(await refusedWith(later)).toBe('decrypt_failed');
    expect(await refusedWith(file, recoveryPrincipal(new Uint8Array(32).fill(4)))).toBe('wrong_context');
    const foreign = file.slice();
    foreign[0] = 0x25;
    expect(await refusedWith(foreign)).toBe('unknown_type');
  });
});
