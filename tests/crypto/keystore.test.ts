import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  changeKeystorePassphrase,
  createKeystore,
  KDF_FLOOR,
  KDF_LADDER,
  ready,
  resealKeystoreRecovery,
  sodium,
  u32be,
  unlockKeystore,
  unlockKeystoreWithRecoveryKey,
  recoveryPrincipal,
} from '#crypto';
import { expectCode, fill, world } from './support.ts';
import { floorKeystore, keystoreBody, PASSPHRASE } from './keystore-support.ts';

beforeAll(async () => {
  await ready();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('keystore row (0x30)', () => {
  it('opens with the passphrase, 267 bytes + body', () => {
    const w = world();
    const { bytes, dsk } = floorKeystore(w);
    const opened = unlockKeystore(bytes, PASSPHRASE);
    expect(opened.dsk).toEqual(dsk);
    expect(opened.body).toEqual(keystoreBody(w));
    expect(bytes.length).toBeGreaterThan(267);
  });

  it('a wrong passphrase fails the commitment before the AEAD runs', () => {
    const { bytes } = floorKeystore();
    const decrypt = vi.spyOn(sodium(), 'crypto_aead_xchacha20poly1305_ietf_decrypt');
    expectCode(() => unlockKeystore(bytes, 'wrong'), 'bad_passphrase');
    expect(decrypt).not.toHaveBeenCalled();
  });

  it('refuses a stored keystore whose parameters are under the floor', () => {
    const { bytes } = floorKeystore();
    const pwhash = vi.spyOn(sodium(), 'crypto_pwhash');
    const weakOps = bytes.slice();
    weakOps.set(u32be(1), 19);
    const weakMem = bytes.slice();
    weakMem.set(u32be(KDF_FLOOR.memlimit - 1024), 23);
    expectCode(() => unlockKeystore(weakOps, PASSPHRASE), 'kdf_below_floor');
    expectCode(() => unlockKeystore(weakMem, PASSPHRASE), 'kdf_below_floor');
    expect(pwhash).not.toHaveBeenCalled();
  });

  it('changing the passphrase rewrites bytes 18-147 only', () => {
    const { bytes, dsk } = floorKeystore();
    const changed = changeKeystorePassphrase(bytes, dsk, 'a new passphrase', KDF_FLOOR);
    expect(changed.slice(0, 18)).toEqual(bytes.slice(0, 18));
    expect(changed.slice(147)).toEqual(bytes.slice(147));
    expect(changed.slice(18, 147)).not.toEqual(bytes.slice(18, 147));
    expect(unlockKeystore(changed, 'a new passphrase').dsk).toEqual(dsk);
    expectCode(() => unlockKeystore(changed, PASSPHRASE), 'bad_passphrase');
  });

  it('reseals to a new recovery principal, bytes 147-227 only', () => {
    const w = world();
    const { bytes, dsk } = floorKeystore(w);
    const next = recoveryPrincipal(fill(0x67));
    const resealed = resealKeystoreRecovery(bytes, dsk, next.boxPk);
    expect(resealed.slice(0, 147)).toEqual(bytes.slice(0, 147));
    expect(resealed.slice(227)).toEqual(bytes.slice(227));
    expect(unlockKeystoreWithRecoveryKey(resealed, fill(0x67)).dsk).toEqual(dsk);
    expectCode(() => unlockKeystoreWithRecoveryKey(resealed, w.recoveryKey), 'bad_recovery_key');
  });

  it('walks the fallback ladder on out-of-memory and stores what worked', () => {
    const w = world();
    const real = sodium().crypto_pwhash.bind(sodium());
    const seen: number[] = [];
    vi.spyOn(sodium(), 'crypto_pwhash').mockImplementation(((
      len: number,
      pw: Uint8Array,
      salt: Uint8Array,
      ops: number,
      mem: number,
      alg: number,
    ) => {
      seen.push(mem);
      if (mem > 32 * 1024 * 1024) throw new Error('Cannot enlarge memory arrays');
      // Compute at the floor to keep the test fast; only the parameters written to the row matter here.
      return real(len, pw, salt, KDF_FLOOR.opslimit, KDF_FLOOR.memlimit, alg);
    }) as typeof real);
    const { bytes, params } = createKeystore({
      vaultId: w.vaultId,
      passphrase: PASSPHRASE,
      recoveryBoxPk: w.recovery.boxPk,
      body: keystoreBody(w),
    });
    expect(params).toEqual(KDF_LADDER[3]);
    expect(seen).toEqual(KDF_LADDER.map((p) => p.memlimit));
    expect(bytes.slice(19, 27)).toEqual(Uint8Array.of(...u32be(24), ...u32be(32 * 1024 * 1024)));
  });
});
