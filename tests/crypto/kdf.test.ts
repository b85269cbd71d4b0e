import { beforeAll, describe, expect, it, vi } from 'vitest';
import { checkKdfParams, deriveKek, KDF_FLOOR, ready, sodium } from '#crypto';
import { expectCode, fill } from './support.ts';

beforeAll(async () => {
  await ready();
});

describe('Argon2id parameters', () => {
  it('refuses Argon2id parameters under the floor', () => {
    const pwhash = vi.spyOn(sodium(), 'crypto_pwhash');
    for (const params of [
      { opslimit: 1, memlimit: KDF_FLOOR.memlimit },
      { opslimit: 2, memlimit: KDF_FLOOR.memlimit - 1 },
      { opslimit: 0, memlimit: 0 },
      { opslimit: 2.5, memlimit: KDF_FLOOR.memlimit },
      { opslimit: 3, memlimit: 8 * 1024 * 1024 },
    ]) {
      expectCode(() => checkKdfParams(params), 'kdf_below_floor');
      expectCode(() => deriveKek('pw', fill(1, 16), params), 'kdf_below_floor');
    }
    // Refused before any work: Argon2id never ran.
    expect(pwhash).not.toHaveBeenCalled();
    expectCode(() => checkKdfParams({ opslimit: 65, memlimit: KDF_FLOOR.memlimit }), 'bad_encoding');
    expectCode(() => checkKdfParams(KDF_FLOOR), 'ok');
    vi.restoreAllMocks();
  });

  it('derives the same KEK for the NFC and NFD spellings of a passphrase', () => {
    const a = deriveKek('Müller', fill(1, 16), KDF_FLOOR);
    const b = deriveKek('Mu\u0308ller', fill(1, 16), KDF_FLOOR);
    expect(a).toEqual(b);
  });

  it('reports a failing Argon2id as kdf_out_of_memory', () => {
    vi.spyOn(sodium(), 'crypto_pwhash').mockImplementation(() => {
      throw new Error('Cannot enlarge memory');
    });
    expectCode(() => deriveKek('pw', fill(1, 16), KDF_FLOOR), 'kdf_out_of_memory');
    vi.restoreAllMocks();
  });
});
