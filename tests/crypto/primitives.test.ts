import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '#crypto/bytes';
import { CryptoError } from '#crypto/crypto-error';
import { aeadDecrypt, aeadEncrypt, hashWithDomain, kc, kdf, sign, signKeyPair, verify } from '#crypto/primitives';
import { ready } from '#crypto/sodium';
import { expectCode } from './support.ts';

beforeAll(async () => {
  await ready();
});

describe('primitives', () => {
  it('reproduces the §20 values for kc, KDF and the index id', () => {
    expect(toHex(kc(fromHex('df06a26730972cd851340f71096897e5d05646ca347d00b1cf98667616c6ce7e')))).toBe(
      'e44f93f8f8cf88fc782d0be688309e9be435826b8a888cfe4f30b4ed283d9510',
    );
    expect(toHex(kdf(new Uint8Array(32).fill(0x11), 0, 'CNindex_'))).toBe(
      '291c61a5c9682beeca976036632123af45991d9da6b93f34a844ee2c32ff0927',
    );
    expect(toHex(hashWithDomain('carnet/v1/index-id', new Uint8Array(16).fill(0xa0)).slice(0, 16))).toBe(
      '21d887a42ceec3ebe53d65b57193eb97',
    );
  });

  it('signs under a domain that a verifier under another domain refuses', () => {
    const { publicKey, secretKey } = signKeyPair(new Uint8Array(32).fill(0x33));
    const sig = sign(secretKey, 'carnet/v1/update', Uint8Array.of(1, 2, 3));
    expect(verify(publicKey, 'carnet/v1/update', Uint8Array.of(1, 2, 3), sig)).toBe(true);
    expect(verify(publicKey, 'carnet/v1/snapshot', Uint8Array.of(1, 2, 3), sig)).toBe(false);
    expect(verify(publicKey.slice(1), 'carnet/v1/update', Uint8Array.of(1, 2, 3), sig)).toBe(false);
  });

  it('AEAD fails as decrypt_failed and checks sizes as bad_argument', () => {
    const k = new Uint8Array(32).fill(7);
    const n = new Uint8Array(24);
    const c = aeadEncrypt(k, n, Uint8Array.of(9), Uint8Array.of(1));
    expect(aeadDecrypt(k, n, c, Uint8Array.of(1))).toEqual(Uint8Array.of(9));
    expect(() => aeadDecrypt(k, n, c, Uint8Array.of(2))).toThrow(CryptoError);
    expectCode(() => aeadEncrypt(k.slice(1), n, Uint8Array.of(1), Uint8Array.of()), 'bad_argument');
  });
});
