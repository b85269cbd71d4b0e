import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, KeyHolder, localStorageKey, ready, recordKey, unlockKeystore } from '#crypto';
import { fill, thrownBy, world } from './support.ts';
import { floorKeystore, PASSPHRASE } from './keystore-support.ts';

beforeAll(async () => {
  await ready();
});

describe('key hygiene', () => {
  it('zeroes held keys on lock', () => {
    const w = world();
    const { bytes } = floorKeystore(w);
    const holder = new KeyHolder();
    const { dsk, body } = unlockKeystore(bytes, PASSPHRASE);
    holder.hold(dsk);
    holder.hold(body.sigSeed);
    holder.hold(body.boxSeed);
    holder.holdAll(body.keyring);
    const lsk = holder.hold(localStorageKey(dsk));
    const k = holder.hold(recordKey(body.keyring[0] ?? fill(0), w.vaultId, w.recordId, 0, w.recordRoot));
    const held = [dsk, body.sigSeed, body.boxSeed, ...body.keyring, lsk, k];
    expect(held.every((b) => b.some((x) => x !== 0))).toBe(true);
    holder.lock();
    expect(held.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(holder.size).toBe(0);
    expect(() => holder.hold(fill(1))).toThrow(CryptoError);
  });

  it('never puts key bytes in an error message', () => {
    const w = world();
    const { bytes } = floorKeystore(w);
    const error = thrownBy(() => unlockKeystore(bytes, 'wrong'));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error instanceof Error ? error.message : '').not.toMatch(/[0-9a-f]{16}/);
  });
});
