import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  concat,
  openDepositKey,
  openKeybox,
  openKeyringWrap,
  openProvision,
  openSeal,
  ready,
  seal,
  sealKeyringWrap,
  sign,
} from '#crypto';
import { codeOf, ec, expectCode, fill, flip, runs, world } from './support.ts';
import {
  asB,
  asInbox,
  asNewDevice,
  asPro,
  depositKeyFor,
  keyboxBody,
  keyboxFor,
  keyringFor,
  LOW_ORDER,
  provisionFields,
  provisionFor,
} from './seal-support.ts';

beforeAll(async () => {
  await ready();
});

describe('seals', () => {
  it('round-trips every seal (property)', () => {
    const w = world();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), fc.nat(5), (m, ctx, e) => {
        const s = seal(w.b.boxPk, 'carnet/v1/seal/access', ctx, m);
        expect(openSeal(w.b.boxPk, w.b.boxSk, 'carnet/v1/seal/access', ctx, s)).toEqual(m);
        const secrets = Array.from({ length: e + 1 }, (_, i) => fill(i + 1));
        const wrap = sealKeyringWrap({ epoch: e, recipient: 3, author: 2, mhead: 2 }, secrets, {
          vaultId: w.vaultId,
          headHash: w.heads[2] ?? fill(0),
          recipientBoxPk: w.b.boxPk,
          authorSk: w.a.sigSk,
        });
        expect(wrap.length).toBe(151 + 32 * e);
        const opened = openKeyringWrap(wrap, {
          ...asB(w),
          epochAt: () => e,
          epochCommitment: (i) => ec({ ...w, secrets })(i),
        });
        expect(opened).toEqual(secrets);
      }),
      runs(50),
    );
    expect(openDepositKey(depositKeyFor(w), fill(0xd1, 16), asInbox(w)).depositKey).toEqual(fill(0x77));
    expect(openKeybox(keyboxFor(w), asPro(w)).body).toEqual(keyboxBody(w));
    expect(openProvision(provisionFor(w), asNewDevice(w))).toEqual(provisionFields(w));
  });

  it('rejects a wrap presented for another recipient, epoch or head', () => {
    const w = world();
    // Header names another recipient.
    expectCode(() => openKeyringWrap(keyringFor(w, 2), asB(w)), 'wrong_context');
    // Header rewritten to name B, sealed for another key.
    const forA = keyringFor(w, 3, 1, 2, w.a.boxPk);
    expectCode(() => openKeyringWrap(forA, asB(w)), 'bad_signature');
    // Epoch or head changed by the relay: the signature covers both.
    const wrap = keyringFor(w);
    const otherHead = wrap.slice();
    otherHead[5] = 1;
    expectCode(() => openKeyringWrap(otherHead, { ...asB(w), epochAt: () => 1 }), 'bad_signature');
    expectCode(() => openKeyringWrap(wrap, { ...asB(w), headHash: () => fill(3) }), 'bad_signature');
    expectCode(() => openKeyringWrap(wrap, { ...asB(w), epochAt: () => 0 }), 'bad_epoch');
    // Keybox for another share or recipient kind.
    expectCode(() => openKeybox(keyboxFor(w), { ...asPro(w), share: 5 }), 'wrong_context');
    expectCode(() => openKeybox(keyboxFor(w), { ...asPro(w), recipientKind: 0 }), 'wrong_context');
    expectCode(() => openKeybox(keyboxFor(w, fill(0x4d)), asPro(w)), 'bad_signature');
    // Provision for another pairing.
    expectCode(() => openProvision(provisionFor(w, fill(0x51)), asNewDevice(w)), 'decrypt_failed');
  });

  it('rejects a deposit key presented for another record', () => {
    const w = world();
    expectCode(() => openDepositKey(depositKeyFor(w), fill(0xd2, 16), asInbox(w)), 'bad_signature');
  });

  it('rejects an unwrapped epoch secret that does not match its commitment', () => {
    const w = world();
    const wrong = { ...w, secrets: [fill(0x11), fill(0x13)] };
    const wrap = keyringFor(wrong);
    expectCode(() => openKeyringWrap(wrap, asB(w)), 'bad_commitment');
  });

  it('rejects a low-order ephemeral key', () => {
    const w = world();
    expectCode(
      () => openSeal(w.b.boxPk, w.b.boxSk, 'carnet/v1/seal/keyring', Uint8Array.of(), concat(LOW_ORDER, fill(0, 20))),
      'low_order_key',
    );
    expectCode(
      () => openSeal(w.b.boxPk, w.b.boxSk, 'carnet/v1/seal/keyring', Uint8Array.of(), fill(0, 60)),
      'low_order_key',
    );
    // A (malicious) author signs a wrap whose ephemeral key is low-order: refused after the signature passes.
    const header = Uint8Array.of(1, 8, 0, 3, 2, 1);
    const sealed = concat(LOW_ORDER, fill(1, 49));
    const ctx = concat(w.vaultId, header, w.heads[1] ?? fill(0), w.b.boxPk);
    const wrap = concat(header, sealed, sign(w.a.sigSk, 'carnet/v1/keyring-wrap', concat(ctx, sealed)));
    expectCode(() => openKeyringWrap(wrap, asB(w)), 'low_order_key');
    expectCode(() => seal(LOW_ORDER, 'carnet/v1/seal/keyring', Uint8Array.of(), Uint8Array.of(1)), 'low_order_key');
  });

  it('rejects a flipped bit in every wrapped key', () => {
    const w = world();
    const cases: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
      ['keyring wrap', keyringFor(w), (b) => openKeyringWrap(b, asB(w))],
      ['deposit key', depositKeyFor(w), (b) => openDepositKey(b, fill(0xd1, 16), asInbox(w))],
      ['keybox', keyboxFor(w), (b) => openKeybox(b, asPro(w))],
      ['provision', provisionFor(w), (b) => openProvision(b, asNewDevice(w))],
    ];
    let count = 0;
    for (const [, bytes, open] of cases) {
      expect(codeOf(() => open(bytes))).toBe('ok');
      for (let at = 0; at < bytes.length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          expect(codeOf(() => open(flip(bytes, at, bit)))).not.toBe('ok');
          count++;
        }
      }
    }
    console.log(`seal.test: ${count} flipped bits in wrapped keys, all rejected`);
  });
});
