import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { EnvelopeHeader } from '#crypto';
import {
  adWithDomain,
  aeadEncrypt,
  concat,
  encodeEnvelopeHeader,
  kc,
  openEnvelope,
  ready,
  recordKey,
  sealSnapshot,
  sealUpdate,
  sign,
  sodium,
} from '#crypto';
import { countingRng, envelopeContext, fill, runs, world } from './support.ts';

beforeAll(async () => {
  await ready();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const yjs = Uint8Array.from({ length: 36 }, (_, i) => i);

function update(
  w = world(),
  h: Partial<{ author: number; epoch: number; seq: number; mhead: number }> = {},
  signer = w.a,
) {
  const header = { author: 2, epoch: 0, seq: 7, mhead: 1, ...h };
  const key = recordKey(w.secrets[header.epoch] ?? fill(0), w.vaultId, w.recordId, header.epoch, w.recordRoot);
  const headHash = w.heads[header.mhead] ?? fill(0);
  return sealUpdate(
    header,
    { time: 1773302400, yjs },
    { vaultId: w.vaultId, recordId: w.recordId, key, authorSk: signer.sigSk, headHash, rng: countingRng() },
  );
}

/** An honest signature over an arbitrary (possibly malformed) body: what only a malicious author can make. */
function craft(header: EnvelopeHeader, body: Uint8Array, w = world()): Uint8Array {
  const h = encodeEnvelopeHeader(header);
  const key = recordKey(w.secrets[0] ?? fill(0), w.vaultId, w.recordId, 0, w.recordRoot);
  const ctx = concat(w.vaultId, w.recordId, h, w.heads[1] ?? fill(0), kc(key));
  const nonce = fill(9, 24);
  const dom = header.type === 1 ? 'update' : 'snapshot';
  const ct = aeadEncrypt(key, nonce, body, adWithDomain(`carnet/v1/ad/${dom}`, ctx));
  return concat(h, nonce, ct, sign(w.a.sigSk, `carnet/v1/${dom}`, concat(ctx, nonce, ct)));
}

describe('openEnvelope', () => {
  it('opens the §20 envelope', () => {
    const w = world();
    const r = openEnvelope(update(w), w.recordId, envelopeContext(w));
    expect(r.ok && r.type === 1 && r.body.yjs).toEqual(yjs);
  });

  it('rejects a flipped AD bit', () => {
    const w = world();
    const env = update(w);
    for (const field of ['vaultId', 'recordId'] as const) {
      for (let bit = 0; bit < 128; bit++) {
        const other = w[field].slice();
        other[bit >> 3] = (other[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const r =
          field === 'vaultId'
            ? openEnvelope(env, w.recordId, envelopeContext(w, { vaultId: other }))
            : openEnvelope(env, other, envelopeContext(w));
        expect(r).toEqual({ ok: false, code: 'bad_signature' });
      }
    }
  });

  it('rejects a key that does not match the signed commitment', () => {
    const w = world();
    const r = openEnvelope(update(w), w.recordId, envelopeContext(w, { key: () => fill(0x99) }));
    expect(r).toEqual({ ok: false, code: 'bad_signature' });
  });

  it('rejects an envelope moved to another record', () => {
    const w = world();
    expect(openEnvelope(update(w), fill(0xb2, 16), envelopeContext(w))).toEqual({ ok: false, code: 'bad_signature' });
  });

  it('rejects an envelope re-attributed to another author', () => {
    const w = world();
    const env = update(w);
    env[2] = 3; // author byte: B instead of A
    expect(openEnvelope(env, w.recordId, envelopeContext(w))).toEqual({ ok: false, code: 'bad_signature' });
    // Signed by B but claiming A: fails too.
    expect(openEnvelope(update(w, {}, w.b), w.recordId, envelopeContext(w))).toEqual({
      ok: false,
      code: 'bad_signature',
    });
  });

  it("rejects an envelope under another epoch's key", () => {
    const w = world();
    const env = update(w); // epoch 0, mhead 1
    const e1 = recordKey(w.secrets[1] ?? fill(0), w.vaultId, w.recordId, 1, w.recordRoot);
    expect(openEnvelope(env, w.recordId, envelopeContext(w, { key: () => e1 }))).toEqual({
      ok: false,
      code: 'bad_signature',
    });
    expect(openEnvelope(env, w.recordId, envelopeContext(w, { key: () => undefined }))).toEqual({
      ok: false,
      code: 'unknown_epoch',
    });
  });

  it('rejects an envelope whose cited head hash differs', () => {
    const w = world();
    const ctx = envelopeContext(w, { headHash: (n) => (n === 1 ? fill(0x01) : w.heads[n]) });
    expect(openEnvelope(update(w), w.recordId, ctx)).toEqual({ ok: false, code: 'bad_signature' });
    expect(
      openEnvelope(update(w, { mhead: 2, epoch: 1 }), w.recordId, envelopeContext(w, { verifiedHead: 1 })),
    ).toEqual({
      ok: false,
      code: 'need_membership',
    });
  });

  it('rejects an envelope whose epoch is not the epoch at its cited head', () => {
    const w = world();
    // Epoch 1 began at head 2: an envelope citing head 2 under epoch 0 (a revocation hidden from the author).
    expect(openEnvelope(update(w, { mhead: 2, epoch: 0 }), w.recordId, envelopeContext(w))).toEqual({
      ok: false,
      code: 'bad_epoch',
    });
    expect(openEnvelope(update(w, { mhead: 1, epoch: 1 }), w.recordId, envelopeContext(w))).toEqual({
      ok: false,
      code: 'bad_epoch',
    });
    expect(openEnvelope(update(w, { mhead: 2, epoch: 1 }), w.recordId, envelopeContext(w)).ok).toBe(true);
  });

  it('verifies before decrypting and never returns partial plaintext', () => {
    const w = world();
    const decrypt = vi.spyOn(sodium(), 'crypto_aead_xchacha20poly1305_ietf_decrypt');
    const env = update(w);
    env[env.length - 1] = (env[env.length - 1] ?? 0) ^ 1;
    expect(openEnvelope(env, w.recordId, envelopeContext(w))).toEqual({ ok: false, code: 'bad_signature' });
    expect(decrypt).not.toHaveBeenCalled();
    // A malicious author signs bodies that decrypt but do not decode: the result carries only a code.
    const bad: [EnvelopeHeader, Uint8Array, string][] = [
      [{ type: 1, author: 2, epoch: 0, seq: 1, mhead: 1 }, Uint8Array.of(7, 1, 2), 'bad_body'],
      [
        { type: 2, author: 2, epoch: 0, mhead: 1, coverage: [[2, 1]] },
        Uint8Array.of(0, 3, 3, 1, 0, 0, 5),
        'bad_padding',
      ],
      [{ type: 2, author: 2, epoch: 0, mhead: 1, coverage: [] }, Uint8Array.of(1, 50, 3, 1, 2, 3), 'bad_body'],
    ];
    for (const [header, body, code] of bad) {
      expect(openEnvelope(craft(header, body, w), w.recordId, envelopeContext(w))).toEqual({ ok: false, code });
    }
    expect(decrypt).toHaveBeenCalledTimes(3);
  });

  it('round-trips updates and snapshots (property)', () => {
    const w = world();
    const ctx = envelopeContext(w);
    const key = recordKey(w.secrets[0] ?? fill(0), w.vaultId, w.recordId, 0, w.recordRoot);
    const keys = {
      vaultId: w.vaultId,
      recordId: w.recordId,
      key,
      authorSk: w.a.sigSk,
      headHash: w.heads[1] ?? fill(0),
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(2 ** 32 - 1),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.boolean(),
        fc.uniqueArray(fc.record({ client: fc.nat(2 ** 32 - 1), clockLo: fc.nat(1e6), n: fc.nat(300) }), {
          maxLength: 5,
          selector: (r) => `${r.client}/${r.clockLo}`,
        }),
        (bytes, time, seq, repetitive, rows) => {
          const u = sealUpdate({ author: 2, epoch: 0, seq, mhead: 1 }, { time, yjs: bytes }, keys);
          const ru = openEnvelope(u, w.recordId, ctx);
          expect(ru.ok && ru.type === 1 && ru.header.seq === seq && ru.body).toEqual({ time, yjs: bytes });
          const state = repetitive ? concat(bytes, bytes, bytes, bytes) : bytes;
          const attribution = rows.map((r) => ({
            client: r.client,
            author: 2,
            seqLo: 1,
            seqN: r.n,
            clockLo: r.clockLo,
            clockN: r.n,
            tLo: time,
            tN: r.n,
          }));
          const s = sealSnapshot(
            { author: 2, epoch: 0, mhead: 1, coverage: [[2, seq]] },
            { yjsState: state, time, attribution },
            keys,
          );
          const rs = openEnvelope(s, w.recordId, ctx);
          expect(rs.ok && rs.type === 2 && rs.body.yjsState).toEqual(state);
          expect(rs.ok && rs.type === 2 && rs.body.attribution.length).toBe(rows.length);
        },
      ),
      runs(100),
    );
  });
});
