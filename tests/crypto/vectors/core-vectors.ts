// PROTOCOL.md §23: the vectors of the core constructions, computed from fixed inputs. The writer script saves
// them under tests/fixtures/vectors/; tests/crypto/vectors.test.ts recomputes them and compares, so any change
// of construction fails, and opens every sealed output with the openers.
import {
  deriveKek,
  fromHex,
  derivedKey,
  domain,
  hashWithDomain,
  epochCommitment,
  fingerprint,
  fingerprintDigits,
  inboxKeyPair,
  indexId,
  indexKey,
  kc,
  kdf,
  KDF_FLOOR,
  localStorageKey,
  padme,
  presenceKey,
  recordKey,
  recoveryKeyText,
  recoveryPrincipal,
  recoveryQrPayload,
  sealDeposit,
  sealDerivedRow,
  shardId,
  shardPrefix,
  sealSnapshot,
  sealUpdate,
  toHex,
  varint,
  deviceIdentity,
  type KdfContext,
} from '#crypto';
import { encodeBase32 } from '#crypto/base32';
import { countingRng, fill, world } from '../support.ts';

import { depositKeyFor, keyboxFor, keyringFor, provisionFor } from '../seal-support.ts';
import { floorKeystore } from '../keystore-support.ts';

const hex = toHex;
const X = (b: number, n = 32) => hex(fill(b, n));
export const WORKED_YJS = '0101d285d8cc040084b1d1f9d6030e1320466572726974696e20313820c2b5672f4c2e00';
const CONTEXTS: KdfContext[] = [
  'CNrcvsig',
  'CNrcvbox',
  'CNlocal_',
  'CNindex_',
  'CNinbox_',
  'CNpresnc',
  'CNlnkid_',
  'CNlnkkey',
  'CNlnkpcv',
  'CNlnkaut',
  'CNlnkmac',
  'CNpairid',
  'CNpairmc',
];
const note = 'fixed inputs of tests/crypto/support.ts (the §20 world); rng = bytes counting up from the given start';

export function buildCoreVectors(): Record<string, unknown> {
  const w = world();
  const K = recordKey(fill(0x11), w.vaultId, w.recordId, 0, w.recordRoot);
  const keys = (rngStart: number) => ({
    vaultId: w.vaultId,
    recordId: w.recordId,
    key: K,
    authorSk: w.a.sigSk,
    headHash: w.heads[1] ?? fill(0),
    rng: countingRng(rngStart),
  });
  const content = {
    yjsState: new TextEncoder().encode('snapshot state '.repeat(20)),
    time: 1773302400,
    attribution: [
      { client: 1234567890, author: 2, seqLo: 1, seqN: 6, clockLo: 0, clockN: 33, tLo: 1773300000, tN: 2400 },
    ],
  };
  const small = { yjsState: Uint8Array.of(1, 2, 3), time: 5, attribution: [] };
  const update = sealUpdate(
    { author: 2, epoch: 0, seq: 7, mhead: 1 },
    { time: 1773302400, yjs: Uint8Array.from(Buffer.from(WORKED_YJS, 'hex')) },
    keys(0),
  );
  const kek = deriveKek('correct horse battery staple', fill(0x40, 16), KDF_FLOOR);
  return {
    'encoding.json': {
      description: 'minimal varints, refused encodings, D(), Crockford base32, padme',
      varints: [0, 1, 127, 128, 152, 1337, 16383, 16384, 2 ** 32 - 1].map((n) => ({ value: n, hex: hex(varint(n)) })),
      invalid: [
        { hex: '8000', code: 'bad_encoding', why: 'non-minimal' },
        { hex: 'ffffffff1f', code: 'bad_encoding', why: 'over u32' },
        { hex: '808080808001', code: 'bad_encoding', why: 'longer than 5 bytes' },
        { hex: '80', code: 'bad_encoding', why: 'truncated' },
      ],
      domains: ['carnet/v1/update', 'carnet/v1/key-commit'].map((s) => ({ s, hex: hex(domain(s)) })),
      base32: [fill(0, 1), Uint8Array.of(0xff), w.vaultId, fill(0x66, 34)].map((b) => ({
        hex: hex(b),
        text: encodeBase32(b),
      })),
      padme: [6, 10, 100, 289, 1000, 4097, 65536, 100000, 4194304].map((l) => ({ length: l, padded: padme(l) })),
    },
    'kdf.json': {
      description: 'Argon2id at the floor (19 MiB, t = 2); refused parameters; every §4.3 context for key 0x42…',
      argon2id: {
        passphrase: 'correct horse battery staple',
        salt: X(0x40, 16),
        ...KDF_FLOOR,
        kek: hex(kek),
        kc: hex(kc(kek)),
      },
      invalid: [
        { opslimit: 1, memlimit: KDF_FLOOR.memlimit, code: 'kdf_below_floor' },
        { opslimit: 2, memlimit: KDF_FLOOR.memlimit - 1, code: 'kdf_below_floor' },
      ],
      contexts: CONTEXTS.map((ctx) => ({ key: X(0x42), ctx, id: 1, out: hex(kdf(fill(0x42), 1, ctx)) })),
    },
    'identity.json': {
      description: 'seeds -> key pairs -> fingerprint (§3)',
      devices: [
        [0x33, 0x34],
        [0x44, 0x45],
      ].map(([s, b]) => {
        const id = deviceIdentity(fill(s ?? 0), fill(b ?? 0));
        return {
          sigSeed: X(s ?? 0),
          boxSeed: X(b ?? 0),
          sigPk: hex(id.sigPk),
          boxPk: hex(id.boxPk),
          fingerprint: hex(fingerprint(id.sigPk, id.boxPk)),
          digits: fingerprintDigits(id.sigPk, id.boxPk),
        };
      }),
    },
    'record-keys.json': {
      description: 'K(r,E), kc, ec_E, I_E, inbox key pair, presence key, index_id, LSK',
      inputs: {
        vaultId: hex(w.vaultId),
        recordId: hex(w.recordId),
        recordRoot: hex(w.recordRoot),
        S0: X(0x11),
        S1: X(0x12),
        dsk: X(0x5d),
      },
      K_r_0: hex(K),
      kc_K: hex(kc(K)),
      K_r_1: hex(recordKey(fill(0x12), w.vaultId, w.recordId, 1, w.recordRoot)),
      ec_0: hex(epochCommitment(fill(0x11), w.vaultId, 0)),
      ec_1: hex(epochCommitment(fill(0x12), w.vaultId, 1)),
      I_0: hex(indexKey(fill(0x11), 0)),
      inbox_pk_0: hex(inboxKeyPair(fill(0x11), 0).publicKey),
      presence: hex(presenceKey(K)),
      index_id: hex(indexId(w.vaultId)),
      lsk: hex(localStorageKey(fill(0x5d))),
      shard_prefix: hex(shardPrefix(w.vaultId)),
      shard_id_2_0: hex(shardId(shardPrefix(w.vaultId), 2, 0)),
      shard_id_70000_3: hex(shardId(shardPrefix(w.vaultId), 70000, 3)),
      xk: hex(derivedKey(fill(0x5d))),
    },
    'derived-row.json': {
      description:
        'derived rows (§18.7): a catalogue page and a search header sealed under XK = KDF(DSK, 1, "CNderivd")',
      inputs: { vaultId: hex(w.vaultId), dsk: X(0x5d) },
      rows: [
        { table: 'catalogue', key: hex(shardId(shardPrefix(w.vaultId), 2, 0)), raw: '00' + '01'.repeat(40) },
        { table: 'search', key: hex(new TextEncoder().encode('h')), raw: '0100000000' },
      ].map((row, i) => ({
        ...row,
        sealed: hex(
          sealDerivedRow(
            derivedKey(fill(0x5d)),
            { vaultId: w.vaultId, table: row.table, primaryKey: fromHex(row.key) },
            fromHex(row.raw),
            countingRng(0x60 + i),
          ),
        ),
      })),
    },
    'envelope-update.json': {
      description: `update envelopes (§7.2) incl. the worked example; ${note}`,
      worked: {
        yjs: WORKED_YJS,
        time: 1773302400,
        author: 2,
        epoch: 0,
        seq: 7,
        mhead: 1,
        h_mhead: hex(w.heads[1] ?? fill(0)),
        rng: 0,
        envelope: hex(update),
      },
      invalid: [
        { change: 'byte 0 = 02', code: 'unknown_version' },
        { change: 'byte 1 = 07', code: 'unknown_type' },
        { change: 'byte 2 = 03 (author B)', code: 'bad_signature' },
        { change: 'last byte flipped (signature)', code: 'bad_signature' },
        { change: 'opened as record b2…', code: 'bad_signature' },
      ],
    },
    'envelope-snapshot.json': {
      description: `snapshot envelopes (§7.3): deflated and stored bodies, Padmé, attribution rows, coverage; ${note}`,
      deflated: {
        state: hex(content.yjsState),
        time: content.time,
        rows: content.attribution,
        coverage: [[2, 7]],
        rng: 100,
        envelope: hex(sealSnapshot({ author: 2, epoch: 0, mhead: 1, coverage: [[2, 7]] }, content, keys(100))),
      },
      stored: {
        state: hex(small.yjsState),
        time: small.time,
        coverage: [
          [2, 7],
          [3, 1],
        ],
        rng: 200,
        envelope: hex(
          sealSnapshot(
            {
              author: 2,
              epoch: 0,
              mhead: 1,
              coverage: [
                [2, 7],
                [3, 1],
              ],
            },
            small,
            keys(200),
          ),
        ),
      },
    },
    'envelope-deposit.json': {
      description: `deposit envelope (§7.4) under K_dep = 77…, and its deposit key (§8.4) for record d1…; ${note}`,
      envelope: hex(
        sealDeposit({ author: 2, epoch: 0, mhead: 1 }, small, {
          ...keys(300),
          key: fill(0x77),
          recordId: fill(0xd1, 16),
        }),
      ),
      depositKey: hex(depositKeyFor(w)),
    },
    'seal.json': {
      description: `keyring wrap (epoch 1, to B, rng 7), keybox (share 4, LMK 4c…, rng 11), provision (P = 50…, rng 5); ${note}`,
      keyringWrap: hex(keyringFor(w)),
      keybox: hex(keyboxFor(w)),
      provision: hex(provisionFor(w)),
      invalid: [{ change: 'ephemeral key replaced by a low-order point', code: 'low_order_key' }],
    },
    'recovery.json': {
      description: 'R = 66… -> kit text, checksum, recovery principal; QR payload',
      recoveryKey: X(0x66),
      kitText: recoveryKeyText(fill(0x66)),
      checksum: hex(hashWithDomain('carnet/v1/recovery-check', fill(0x66)).slice(0, 2)),
      sigPk: hex(recoveryPrincipal(fill(0x66)).sigPk),
      boxPk: hex(recoveryPrincipal(fill(0x66)).boxPk),
      qr: recoveryQrPayload(fill(0x66), w.vaultId, 'https://relay.carnet.example'),
    },
    'keystore.json': {
      description: `keystore row (§18.2) at the floor, passphrase "correct horse battery staple", rng 0x40; ${note}`,
      bytes: hex(floorKeystore(w).bytes),
      invalid: [
        { change: 'opslimit = 1', code: 'kdf_below_floor' },
        { change: 'passphrase "wrong"', code: 'bad_passphrase' },
      ],
    },
    'worked-example.json': {
      description: 'every value of PROTOCOL.md §20',
      vaultId: hex(w.vaultId),
      recordId: hex(w.recordId),
      deviceA: { sigPk: hex(w.a.sigPk), boxPk: hex(w.a.boxPk), fingerprint: fingerprintDigits(w.a.sigPk, w.a.boxPk) },
      deviceB: { sigPk: hex(w.b.sigPk), boxPk: hex(w.b.boxPk) },
      recovery: { sigPk: hex(w.recovery.sigPk), boxPk: hex(w.recovery.boxPk) },
      relayPk: hex(deviceIdentity(fill(0x55), fill(0x56)).sigPk),
      ec_0: hex(epochCommitment(fill(0x11), w.vaultId, 0)),
      inbox_pk_0: hex(inboxKeyPair(fill(0x11), 0).publicKey),
      I_0: hex(indexKey(fill(0x11), 0)),
      index_id: hex(indexId(w.vaultId)),
      K: hex(K),
      kc: hex(kc(K)),
      h_1: hex(w.heads[1] ?? fill(0)),
      envelope: hex(update),
      envelopeLength: update.length,
    },
  };
}
