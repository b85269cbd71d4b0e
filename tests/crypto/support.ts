// Shared fixtures for the crypto tests: the §20 world (fixed keys), a deterministic rng, a membership view.
import { expect } from 'vitest';
import fc from 'fast-check';
import type { EnvelopeContext, Identity, MembershipView } from '#crypto';
import {
  CryptoError,
  deviceIdentity,
  epochCommitment,
  fromHex,
  inboxKeyPair,
  indexKey,
  recordKey,
  recoveryPrincipal,
} from '#crypto';

export const fill = (byte: number, length = 32): Uint8Array => new Uint8Array(length).fill(byte);

/** A deterministic "random" source: bytes counting up from `start` (the §20 nonce is rng starting at 0). */
export function countingRng(start = 0): (n: number) => Uint8Array {
  let next = start;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

/** The §20 world: vault a0…, record b1…, devices A (2) and B (3), recovery key 66…, S_0 = 11…, R_r = 22…. */
export interface World {
  vaultId: Uint8Array;
  recordId: Uint8Array;
  recoveryKey: Uint8Array;
  recovery: Identity;
  a: Identity;
  b: Identity;
  /** Epoch secrets S_0, S_1. */
  secrets: Uint8Array[];
  recordRoot: Uint8Array;
  /** h_0, h_1, h_2 (h_2 opens epoch 1). */
  heads: Uint8Array[];
}

export function world(): World {
  return {
    vaultId: fill(0xa0, 16),
    recordId: fill(0xb1, 16),
    recoveryKey: fill(0x66),
    recovery: recoveryPrincipal(fill(0x66)),
    a: deviceIdentity(fill(0x33), fill(0x34)),
    b: deviceIdentity(fill(0x44), fill(0x45)),
    secrets: [fill(0x11), fill(0x12)],
    recordRoot: fill(0x22),
    heads: [
      fromHex('ca613f4d20d38afa5ccceefa1990fc99c75a100827414c530dc36c55f15cb665'),
      fromHex('b73f3d85490ec1fbc71c918b53e56a7f89a6b52d207a96528bc62de13fdefd03'),
      fill(0xc2),
    ],
  };
}

/** Membership as a verifier sees it: heads 0..2, epoch 0 until head 1, epoch 1 from head 2; A is 2, B is 3, recovery is 1. */
export function view(w: World, verifiedHead = 2): MembershipView {
  return {
    vaultId: w.vaultId,
    verifiedHead,
    headHash: (n) => (n <= verifiedHead ? w.heads[n] : undefined),
    epochAt: (n) => (n >= 2 ? 1 : 0),
    authorKey: (index) =>
      index === 1 ? w.recovery.sigPk : index === 2 ? w.a.sigPk : index === 3 ? w.b.sigPk : undefined,
  };
}

export function envelopeContext(w: World, overrides: Partial<EnvelopeContext> = {}): EnvelopeContext {
  return {
    ...view(w),
    key: (recordId, epoch) => {
      const secret = w.secrets[epoch];
      return secret === undefined ? undefined : recordKey(secret, w.vaultId, recordId, epoch, w.recordRoot);
    },
    ...overrides,
  };
}

export const ec = (w: World) => (e: number) => {
  const s = w.secrets[e];
  return s === undefined ? undefined : epochCommitment(s, w.vaultId, e);
};
export const inbox = (w: World) => (e: number) => {
  const s = w.secrets[e];
  return s === undefined ? undefined : inboxKeyPair(s, e);
};
export { indexKey };

/** The CryptoError code `f` throws, or 'ok'. Any other exception fails the test (a crash). */
export function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof CryptoError) return e.code;
    throw e;
  }
}

/** What `f` throws; if it returns instead, the test fails. */
export function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, but the call returned');
}

export function expectCode(f: () => unknown, code: string): void {
  expect(codeOf(f)).toBe(code);
}

/** Flip bit `bit` of byte `at` in a copy. */
export function flip(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const out = bytes.slice();
  out[at] = (out[at] ?? 0) ^ (1 << bit);
  return out;
}

/** fast-check settings: more runs in the long mode; the seed is printed by fast-check on failure. */
export function runs(normal: number): fc.Parameters<unknown> {
  return { numRuns: process.env.CARNET_LONG === '1' ? normal * 20 : normal, verbose: fc.VerbosityLevel.Verbose };
}
