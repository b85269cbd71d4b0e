// security.md case 3 for the constructions of crypto/ this suite owns (attachments have their own suite): flip
// every bit of every nonce, header, AD field, tag, commitment, signature and wrapped key. Each flipped copy
// must be refused with a CryptoError whose code is the expected one for that region (never another exception,
// never success), and each is paired with an untampered control that opens.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deriveKek,
  keystoreKdfInputs,
  openDepositKey,
  openEnvelope,
  openKeybox,
  openKeyringWrap,
  openLocalRow,
  openProvision,
  ready,
  recordKey,
  sealDeposit,
  sealLocalRow,
  sealSnapshot,
  sealUpdate,
  toHex,
  unlockKeystoreWithKek,
  unlockKeystoreWithRecoveryKey,
  checkKdfParams,
} from '#crypto';
import { codeOf, countingRng, envelopeContext, fill, flip, world } from './support.ts';
import {
  asB,
  asInbox,
  asNewDevice,
  asPro,
  depositKeyFor,
  keyboxFor,
  keyringFor,
  provisionFor,
} from './seal-support.ts';
import { floorKeystore, PASSPHRASE } from './keystore-support.ts';

beforeAll(async () => {
  await ready();
});

const LONG = process.env.CARNET_LONG === '1';
// A flipped header field changes what the verifier looks up; any of these refusals is the right one.
const HEADER = [
  'unknown_version',
  'unknown_type',
  'bad_encoding',
  'need_membership',
  'unknown_author',
  'bad_epoch',
  'unknown_epoch',
  'wrong_context',
  'bad_signature',
];
const SIG = ['bad_signature'];

const totals: Record<string, number> = {};

/** Flip every bit at `positions`, expecting a code from `expected(at)`; control each case. */
function tamper(
  name: string,
  bytes: Uint8Array,
  open: (b: Uint8Array) => string,
  expected: (at: number) => readonly string[],
  positions?: Iterable<number>,
): void {
  let n = 0;
  for (const at of positions ?? bytes.keys()) {
    for (let bit = 0; bit < 8; bit++) {
      expect(open(bytes), `${name} control`).toBe('ok');
      const code = open(flip(bytes, at, bit));
      expect(expected(at), `${name} byte ${at} bit ${bit} gave ${code}`).toContain(code);
      n++;
    }
  }
  totals[name] = (totals[name] ?? 0) + n;
}

const envOk = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : (r.code ?? 'ok'));

describe('tamper suite', () => {
  it('rejects every flipped bit with the right code, each with a passing control', () => {
    const w = world();
    const key = recordKey(fill(0x11), w.vaultId, w.recordId, 0, w.recordRoot);
    const keys = {
      vaultId: w.vaultId,
      recordId: w.recordId,
      key,
      authorSk: w.a.sigSk,
      headHash: w.heads[1] ?? fill(0),
      rng: countingRng(),
    };
    const content = {
      yjsState: fill(5, 40),
      time: 1773302400,
      attribution: [{ client: 1, author: 2, seqLo: 1, seqN: 6, clockLo: 0, clockN: 30, tLo: 1, tN: 9 }],
    };
    const ctx = envelopeContext(w);
    const envelopes: [string, Uint8Array, number][] = [
      [
        'update envelope',
        sealUpdate({ author: 2, epoch: 0, seq: 7, mhead: 1 }, { time: 1773302400, yjs: fill(7, 36) }, keys),
        6,
      ],
      [
        'snapshot envelope',
        sealSnapshot(
          {
            author: 2,
            epoch: 0,
            mhead: 1,
            coverage: [
              [2, 7],
              [3, 2],
            ],
          },
          content,
          keys,
        ),
        10,
      ],
      ['deposit envelope', sealDeposit({ author: 2, epoch: 0, mhead: 1 }, content, keys), 5],
    ];
    for (const [name, env, h] of envelopes) {
      tamper(
        name,
        env,
        (b) => envOk(openEnvelope(b, w.recordId, ctx)),
        (at) => (at < h ? HEADER : SIG),
      );
      // The implied AD fields: vault id, record id, cited head hash, and the key (its commitment).
      const ad: [string, Uint8Array, (x: Uint8Array) => string][] = [
        ['vault id', w.vaultId, (x) => envOk(openEnvelope(env, w.recordId, { ...ctx, vaultId: x }))],
        ['record id', w.recordId, (x) => envOk(openEnvelope(env, x, ctx))],
        [
          'head hash',
          w.heads[1] ?? fill(0),
          (x) => envOk(openEnvelope(env, w.recordId, { ...ctx, headHash: () => x })),
        ],
        ['key', key, (x) => envOk(openEnvelope(env, w.recordId, { ...ctx, key: () => x }))],
      ];
      for (const [field, value, open] of ad) tamper(`${name} AD ${field}`, value, open, () => SIG);
    }

    const run = (f: () => unknown) => () => codeOf(f);
    const wraps: [string, Uint8Array, (b: Uint8Array) => string, number][] = [
      ['keyring wrap', keyringFor(w), (b) => run(() => openKeyringWrap(b, asB(w)))(), 6],
      ['deposit key', depositKeyFor(w), (b) => run(() => openDepositKey(b, fill(0xd1, 16), asInbox(w)))(), 5],
      ['keybox', keyboxFor(w), (b) => run(() => openKeybox(b, asPro(w)))(), 7],
    ];
    for (const [name, bytes, open, h] of wraps) tamper(name, bytes, open, (at) => (at < h ? HEADER : SIG));
    tamper(
      'provision',
      provisionFor(w),
      (b) => codeOf(() => openProvision(b, asNewDevice(w))),
      (at) =>
        at === 0
          ? ['unknown_version']
          : at === 1
            ? ['unknown_type']
            : at < 34
              ? ['decrypt_failed', 'low_order_key']
              : ['decrypt_failed'],
    );

    const where = { vaultId: w.vaultId, table: 'counters', primaryKey: w.recordId };
    const lsk = fill(0x3c);
    const row = sealLocalRow(lsk, where, Uint8Array.of(7, 0, 0), countingRng());
    tamper(
      'LSK row',
      row,
      (b) => codeOf(() => openLocalRow(lsk, where, b)),
      (at) => (at === 0 ? ['unknown_version'] : at === 1 ? ['unknown_type'] : ['decrypt_failed']),
    );
    tamper(
      'LSK row AD vault id',
      w.vaultId,
      (x) => codeOf(() => openLocalRow(lsk, { ...where, vaultId: x }, row)),
      () => ['decrypt_failed'],
    );
    tamper(
      'LSK row AD primary key',
      w.recordId,
      (x) => codeOf(() => openLocalRow(lsk, { ...where, primaryKey: x }, row)),
      () => ['decrypt_failed'],
    );

    // Keystore: Argon2id runs once per distinct (salt, parameters); flips elsewhere reuse the KEK.
    const { bytes: ks } = floorKeystore(w);
    const keks = new Map<string, Uint8Array>();
    const unlock = (b: Uint8Array) =>
      codeOf(() => {
        const { salt, params } = keystoreKdfInputs(b);
        const id = toHex(b.subarray(18, 43));
        let kek = keks.get(id);
        if (kek === undefined) keks.set(id, (kek = deriveKek(PASSPHRASE, salt, params)));
        return unlockKeystoreWithKek(b, kek);
      });
    const kdfInput = (at: number) => at >= 19 && at < 43;
    const passPositions = [...ks.keys()].filter((at) => at < 147 || at >= 227).filter((at) => !kdfInput(at));
    tamper(
      'keystore (passphrase)',
      ks,
      unlock,
      (at) =>
        at === 0
          ? ['unknown_version']
          : at === 1
            ? ['unknown_type']
            : at === 18
              ? ['bad_encoding']
              : at >= 43 && at < 75
                ? ['bad_passphrase']
                : ['decrypt_failed'],
      passPositions,
    );
    // Salt and parameters: a flip the floor or ceiling refuses costs nothing; one that Argon2id must run costs
    // ~0.2 s or more, so the default suite takes every cheap flip and one seeded salt bit in three bytes.
    const kdfPositions = [...ks.keys()].filter(kdfInput).filter((at) => LONG || at < 27 || at % 3 === 0);
    for (const at of kdfPositions) {
      for (let bit = 0; bit < 8; bit++) {
        const f = flip(ks, at, bit);
        const view = new DataView(f.buffer);
        const cheap =
          codeOf(() => checkKdfParams({ opslimit: view.getUint32(19), memlimit: view.getUint32(23) })) !== 'ok';
        if (!LONG && !cheap && at < 27) continue;
        if (!LONG && at >= 27 && bit !== at % 8) continue;
        expect(unlock(ks)).toBe('ok');
        expect(['kdf_below_floor', 'bad_encoding', 'bad_passphrase', 'decrypt_failed']).toContain(unlock(f));
        totals['keystore KDF inputs'] = (totals['keystore KDF inputs'] ?? 0) + 1;
      }
    }
    const recoveryPositions = [...ks.keys()].filter((at) => at < 19 || (at >= 147 && at < 227));
    tamper(
      'keystore (recovery)',
      ks,
      (b) => codeOf(() => unlockKeystoreWithRecoveryKey(b, w.recoveryKey)),
      (at) =>
        at === 0
          ? ['unknown_version']
          : at === 1
            ? ['unknown_type']
            : at === 18
              ? ['bad_encoding']
              : at >= 147 && at < 179
                ? ['bad_recovery_key', 'low_order_key']
                : ['bad_recovery_key'],
      recoveryPositions,
    );

    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    console.table(totals);
    console.log(
      `tamper suite: ${total} flipped-bit cases, all rejected with the expected code, each with a passing control${LONG ? ' (long mode)' : ''}`,
    );
  }, 240_000);
});
