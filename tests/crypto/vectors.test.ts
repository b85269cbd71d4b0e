// PROTOCOL.md §23: the committed vectors are recomputed from their fixed inputs (a change of construction fails
// here), the sealed ones are opened by the openers, and the §20 values are checked against the doc's text.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromHex,
  openEnvelope,
  openKeyringWrap,
  parseRecoveryKeyText,
  ready,
  unlockKeystore,
  unlockKeystoreWithRecoveryKey,
} from '#crypto';
import { buildCoreVectors } from './vectors/core-vectors.ts';
import { codeOf, envelopeContext, fill, world } from './support.ts';
import { asB } from './seal-support.ts';

const dir = path.resolve('tests/fixtures/vectors');
const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

beforeAll(async () => {
  await ready();
});

describe('vectors', () => {
  it('matches every vector in tests/fixtures/vectors', () => {
    const built = buildCoreVectors();
    for (const [file, value] of Object.entries(built)) {
      // JSON round trip: the committed file holds plain numbers and strings.
      expect(read(file), file).toEqual(JSON.parse(JSON.stringify(value)));
    }
    console.log(`vectors: ${Object.keys(built).length} core files recomputed and equal`);
  });

  it('opens the committed sealed vectors and refuses their invalid variants', () => {
    const w = world();
    const up = read('envelope-update.json') as { worked: { envelope: string } };
    const env = fromHex(up.worked.envelope);
    expect(openEnvelope(env, w.recordId, envelopeContext(w)).ok).toBe(true);
    const variants: [Uint8Array, Uint8Array, string][] = [
      [Uint8Array.of(2, ...env.slice(1)), w.recordId, 'unknown_version'],
      [Uint8Array.of(1, 7, ...env.slice(2)), w.recordId, 'unknown_type'],
      [Uint8Array.of(1, 1, 3, ...env.slice(3)), w.recordId, 'bad_signature'],
      [env, fill(0xb2, 16), 'bad_signature'],
    ];
    for (const [bytes, record, code] of variants)
      expect(openEnvelope(bytes, record, envelopeContext(w))).toEqual({ ok: false, code });
    const seal = read('seal.json') as { keyringWrap: string };
    expect(openKeyringWrap(fromHex(seal.keyringWrap), asB(w))).toEqual(w.secrets);
    const ks = fromHex((read('keystore.json') as { bytes: string }).bytes);
    expect(unlockKeystore(ks, 'correct horse battery staple').body.deviceIndex).toBe(2);
    expect(codeOf(() => unlockKeystore(ks, 'wrong'))).toBe('bad_passphrase');
    const rec = read('recovery.json') as { kitText: string };
    expect(unlockKeystoreWithRecoveryKey(ks, parseRecoveryKeyText(rec.kitText)).body.deviceIndex).toBe(2);
  });

  it('reproduces the worked example of PROTOCOL.md §20 byte for byte', () => {
    const doc = fs.readFileSync(path.resolve('docs/PROTOCOL.md'), 'utf8');
    const ex = read('worked-example.json') as Record<string, unknown> & {
      envelope: string;
      deviceA: { fingerprint: string };
    };
    expect(ex.envelopeLength).toBe(152);
    expect(doc).toContain(ex.deviceA.fingerprint);
    for (const key of ['K', 'kc', 'ec_0', 'inbox_pk_0', 'I_0', 'index_id', 'relayPk'] as const)
      expect(doc).toContain(String(ex[key]));
    // Ciphertext and signature as the doc prints them.
    expect(doc).toContain(ex.envelope.slice(60, 60 + 116));
    expect(doc).toContain(ex.envelope.slice(-128));
  });
});
