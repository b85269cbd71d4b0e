import { beforeAll, describe, expect, it } from 'vitest';
import { epochCommitment, inboxKeyPair, indexKey, presenceKey, ready, recordKey, toHex } from '#crypto';
import { fill, world } from './support.ts';

beforeAll(async () => {
  await ready();
});

describe('record keys', () => {
  it('derives independent keys per record and epoch', () => {
    const w = world();
    const keys = new Set<string>();
    for (const r of [0xb1, 0xb2, 0xb3]) {
      for (const e of [0, 1]) keys.add(toHex(recordKey(w.secrets[e] ?? fill(0), w.vaultId, fill(r, 16), e, fill(r))));
    }
    for (const e of [0, 1]) keys.add(toHex(indexKey(w.secrets[e] ?? fill(0), e)));
    expect(keys.size).toBe(8);
    // Same secret, same record root, another epoch number: still another key.
    expect(recordKey(fill(0x11), w.vaultId, w.recordId, 0, w.recordRoot)).not.toEqual(
      recordKey(fill(0x11), w.vaultId, w.recordId, 1, w.recordRoot),
    );
  });

  it('keys of a new epoch are not derivable from any key of earlier epochs', () => {
    const w = world();
    const s0 = w.secrets[0] ?? fill(0);
    const s1 = w.secrets[1] ?? fill(0);
    const k1 = recordKey(s1, w.vaultId, w.recordId, 1, w.recordRoot);
    // Every key a removed device held at epoch 0, used in place of S_1, yields something else.
    const old = [
      s0,
      indexKey(s0, 0),
      recordKey(s0, w.vaultId, w.recordId, 0, w.recordRoot),
      inboxKeyPair(s0, 0).secretKey,
      epochCommitment(s0, w.vaultId, 0),
    ];
    for (const k of old) {
      expect(recordKey(k, w.vaultId, w.recordId, 1, w.recordRoot)).not.toEqual(k1);
      expect(presenceKey(k)).not.toEqual(presenceKey(k1));
    }
  });

  it('record keys cannot be derived without the record root', () => {
    const w = world();
    const k = recordKey(fill(0x11), w.vaultId, w.recordId, 0, w.recordRoot);
    expect(recordKey(fill(0x11), w.vaultId, w.recordId, 0, fill(0))).not.toEqual(k);
    expect(recordKey(fill(0x11), w.vaultId, w.recordId, 0, fill(0x23))).not.toEqual(k);
  });
});
