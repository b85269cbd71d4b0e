// Fixed wraps, deposit keys, keyboxes and provisions over the §20 world, shared by the seal and tamper tests.
import type { KeyboxBody } from '#crypto';
import { sealDepositKey, sealKeybox, sealKeyringWrap, sealProvision } from '#crypto';
import { countingRng, ec, fill, inbox, view, world } from './support.ts';

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
