import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KeyboxBody } from '#crypto';
import {
  concat,
  openDepositKey,
  openKeybox,
  openKeyringWrap,
  openProvision,
  openSeal,
  ready,
  seal,
  sealDepositKey,
  sealKeybox,
  sealKeyringWrap,
  sealProvision,
  sign,
} from '#crypto';
import { codeOf, countingRng, ec, expectCode, fill, flip, inbox, runs, view, world } from './support.ts';

beforeAll(async () => {
  await ready();
});

/** A point of order 8 on Curve25519 (libsodium's blocklist): crypto_kx refuses it. */
export const LOW_ORDER = Uint8Array.from([
  0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d,
  0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
]);

export function keyringFor(w = world(), recipient = 3, epoch = 1, mhead = 2, boxPk = w.b.boxPk) {
  return sealKeyringWrap({ epoch, recipient, author: 2, mhead }, w.secrets.slice(0, epoch + 1), {
    vaultId: w.vaultId,
    headHash: w.heads[mhead] ?? fill(0),
    recipientBoxPk: boxPk,
    authorSk: w.a.sigSk,
    rng: countingRng(7),
  });
}

export const asB = (w = world()) => ({
  ...view(w),
  self: 3,
  boxPk: w.b.boxPk,
  boxSk: w.b.boxSk,
  epochCommitment: ec(w),
});

export function depositKeyFor(w = world(), recordId = fill(0xd1, 16)) {
  const ib = inbox(w)(1);
  return sealDepositKey({ author: 2, epoch: 1, mhead: 2 }, fill(0x77), {
    vaultId: w.vaultId,
    recordId,
    headHash: w.heads[2] ?? fill(0),
    inboxPk: ib?.publicKey ?? fill(0),
    authorSk: w.a.sigSk,
    rng: countingRng(3),
  });
}
export const asInbox = (w = world()) => ({ ...view(w), inbox: inbox(w) });

export const keyboxBody = (w = world()): KeyboxBody => ({
  patientName: 'Anne Müller',
  expires: 0n,
  flags: 1,
  inboxPk: inbox(w)(1)?.publicKey ?? fill(0),
  authors: [[2, w.a.sigPk]],
  records: [
    {
      recordId: w.recordId,
      level: 0,
      category: 1,
      date: 20524,
      title: 'Ferritin',
      authorName: 'Dr. K',
      organisation: 'Labo',
      keys: [[1, fill(0x5a)]],
    },
  ],
});
export function keyboxFor(w = world(), lmk = fill(0x4c)) {
  return sealKeybox({ share: 4, epoch: 1, author: 2, mhead: 2, recipientKind: 1 }, keyboxBody(w), {
    vaultId: w.vaultId,
    headHash: w.heads[2] ?? fill(0),
    recipientPk: w.b.boxPk,
    lmk,
    authorSk: w.a.sigSk,
    rng: countingRng(11),
  });
}
export const asPro = (w = world()) => ({
  ...view(w),
  share: 4,
  recipientKind: 1 as const,
  boxPk: w.b.boxPk,
  boxSk: w.b.boxSk,
  lmk: fill(0x4c),
});

export const provisionFields = (w = world()) => ({
  vaultId: w.vaultId,
  relayOrigin: 'https://relay.carnet.example',
  relayPk: fill(0xc6),
  h0: w.heads[0] ?? fill(0),
  headSeq: 2,
  headHash: w.heads[2] ?? fill(0),
  newIndex: 3,
  providerIndex: 2,
});
export function provisionFor(w = world(), pairingSecret = fill(0x50)) {
  return sealProvision(provisionFields(w), {
    pairingSecret,
    newSigPk: w.b.sigPk,
    newBoxPk: w.b.boxPk,
    rng: countingRng(5),
  });
}
export const asNewDevice = (w = world()) => ({
  pairingSecret: fill(0x50),
  sigPk: w.b.sigPk,
  boxPk: w.b.boxPk,
  boxSk: w.b.boxSk,
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
