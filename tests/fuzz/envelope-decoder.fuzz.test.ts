import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, openEnvelope as openEnvelopeImpl, ready, recordKey, sealSnapshot, sealUpdate } from '#crypto';
import { countingRng, envelopeContext, fill, world } from '#tests/crypto/support';

/**
 * security.md case 15 (client side): any bytes handed to openEnvelope — noise, truncations, splices, bit flips
 * and byte rewrites of real envelopes — give a typed refusal or, only for the untouched envelope, plaintext.
 * Never an exception other than CryptoError, never plaintext from altered bytes. Seeded; fast-check prints the
 * seed on failure.
 */
const FRAMES = process.env.CARNET_LONG === '1' ? 200_000 : 20_000;

describe('envelope decoder fuzz', () => {
  beforeAll(async () => {
    await ready();
  });

  it('fuzzed envelopes never crash and never yield plaintext', () => {
    const w = world();
    const ctx = envelopeContext(w);
    const key = recordKey(w.secrets[0] ?? fill(0), w.vaultId, w.recordId, 0, w.recordRoot);
    const keys = {
      vaultId: w.vaultId,
      recordId: w.recordId,
      key,
      authorSk: w.a.sigSk,
      headHash: w.heads[1] ?? fill(0),
      rng: countingRng(),
    };
    const seeds = [
      sealUpdate({ author: 2, epoch: 0, seq: 1, mhead: 1 }, { time: 1, yjs: fill(5, 40) }, keys),
      sealSnapshot(
        { author: 2, epoch: 0, mhead: 1, coverage: [[2, 1]] },
        { yjsState: fill(6, 300), time: 2, attribution: [] },
        keys,
      ),
    ];
    for (const s of seeds) expect(openEnvelope(s).ok).toBe(true);

    const mutation = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ base: -1, bytes })),
      fc
        .record({ base: fc.integer({ min: 0, max: 1 }), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) })
        .map(({ base, at, value }) => {
          const bytes = (seeds[base] ?? new Uint8Array()).slice();
          const i = at % bytes.length;
          bytes[i] = bytes[i] === value ? value ^ 1 : value;
          return { base, bytes };
        }),
      fc.record({ base: fc.integer({ min: 0, max: 1 }), cut: fc.nat() }).map(({ base, cut }) => {
        const s = seeds[base] ?? new Uint8Array();
        return { base, bytes: s.subarray(0, cut % s.length) };
      }),
      fc.record({ a: fc.nat(), b: fc.nat() }).map(({ a, b }) => {
        const [x, y] = [seeds[0] ?? new Uint8Array(), seeds[1] ?? new Uint8Array()];
        const bytes = new Uint8Array([...x.subarray(0, a % x.length), ...y.subarray(b % y.length)]);
        return { base: -1, bytes };
      }),
    );
    const codes = new Map<string, number>();
    function openEnvelope(bytes: Uint8Array) {
      return openEnvelopeImpl(bytes, w.recordId, ctx);
    }
    fc.assert(
      fc.property(mutation, ({ bytes }) => {
        let result;
        try {
          result = openEnvelope(bytes);
        } catch (error) {
          // A CryptoError escaping is acceptable (typed); anything else is a crash.
          if (error instanceof CryptoError) {
            codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
            return;
          }
          throw error;
        }
        const key = result.ok ? 'plaintext' : result.code;
        codes.set(key, (codes.get(key) ?? 0) + 1);
        // Plaintext only for byte-identical copies of an honest envelope.
        if (result.ok) expect(seeds.some((s) => Buffer.from(s).equals(Buffer.from(bytes)))).toBe(true);
      }),
      { numRuns: FRAMES },
    );
    console.log(`envelope decoder fuzz: ${FRAMES} inputs`, Object.fromEntries([...codes].sort((x, y) => y[1] - x[1])));
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBe(FRAMES);
  }, 240_000);
});
