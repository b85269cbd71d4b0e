// A keystore at the floor parameters (fast), shared by the keystore, recovery and tamper tests.
import type { KeystoreBody } from '#crypto';
import { createKeystore, KDF_FLOOR } from '#crypto';
import { countingRng, fill, world } from './support.ts';

export const PASSPHRASE = 'correct horse battery staple';

export const keystoreBody = (w = world()): KeystoreBody => ({
  deviceIndex: 2,
  sigSeed: fill(0x33),
  boxSeed: fill(0x34),
  relayOrigin: 'https://relay.carnet.example',
  relayPk: fill(0xc6),
  h0: w.heads[0] ?? fill(0),
  memberHeadSeq: 1,
  memberHeadHash: w.heads[1] ?? fill(0),
  accessHeadSeq: 0,
  accessHeadHash: fill(0),
  keyring: [fill(0x11)],
});

export function floorKeystore(w = world()) {
  return createKeystore({
    vaultId: w.vaultId,
    passphrase: PASSPHRASE,
    recoveryBoxPk: w.recovery.boxPk,
    body: keystoreBody(w),
    params: KDF_FLOOR,
    rng: countingRng(0x40),
  });
}
