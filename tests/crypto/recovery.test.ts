import { beforeAll, describe, expect, it } from 'vitest';
import {
  deviceIdentity,
  openKeyringWrap,
  parseRecoveryKeyText,
  parseRecoveryQrPayload,
  ready,
  recoveryKeyText,
  recoveryPrincipal,
  recoveryQrPayload,
  unlockKeystoreWithRecoveryKey,
  vaultIdText,
  parseVaultIdText,
} from '#crypto';
import { codeOf, expectCode, fill, world } from './support.ts';
import { floorKeystore, keystoreBody } from './keystore-support.ts';
import { asB, keyringFor } from './seal-support.ts';

beforeAll(async () => {
  await ready();
});

describe('recovery', () => {
  it("recovery key opens this device's keystore", () => {
    const w = world();
    const { bytes, dsk } = floorKeystore(w);
    const opened = unlockKeystoreWithRecoveryKey(bytes, w.recoveryKey);
    expect(opened.dsk).toEqual(dsk);
    expect(opened.body).toEqual(keystoreBody(w));
    expectCode(() => unlockKeystoreWithRecoveryKey(bytes, fill(0x65)), 'bad_recovery_key');
  });

  it('recovery principal unwraps the vault keyring on a fresh device', () => {
    const w = world();
    // Device A sealed the keyring to the recovery principal (index 1) at the rotation.
    const wrap = keyringFor(w, 1, 1, 2, w.recovery.boxPk);
    // A fresh device knows only the kit: it derives the principal from R and opens the wrap.
    const fresh = recoveryPrincipal(parseRecoveryKeyText(recoveryKeyText(w.recoveryKey)));
    const keyring = openKeyringWrap(wrap, { ...asB(w), self: 1, boxPk: fresh.boxPk, boxSk: fresh.boxSk });
    expect(keyring).toEqual(w.secrets);
    // ... and then signs as the recovery principal (its sig key matches the one named in genesis).
    expect(fresh.sigPk).toEqual(w.recovery.sigPk);
    expect(deviceIdentity(fill(0x33), fill(0x34)).sigPk).toEqual(w.a.sigPk);
  });

  it('formats and parses the kit, catching typos with the checksum', () => {
    const w = world();
    const text = recoveryKeyText(w.recoveryKey);
    expect(text).toMatch(/^CR1-([0-9A-HJKMNP-TV-Z]{5}-){10}[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(parseRecoveryKeyText('cr1-' + text.slice(4).toLowerCase().replace(/-/g, ' '))).toEqual(w.recoveryKey);
    let caught = 0;
    for (let i = 4; i < text.length; i++) {
      if (text[i] === '-') continue;
      const other = text[i] === '0' ? '1' : '0';
      const code = codeOf(() => parseRecoveryKeyText(text.slice(0, i) + other + text.slice(i + 1)));
      expect(['recovery_checksum', 'bad_encoding']).toContain(code);
      caught++;
    }
    expect(caught).toBe(55);
    expect(parseVaultIdText(vaultIdText(w.vaultId))).toEqual(w.vaultId);
    expect(vaultIdText(w.vaultId)).toHaveLength(26);
    const qr = recoveryQrPayload(w.recoveryKey, w.vaultId, 'https://relay.carnet.example');
    expect(parseRecoveryQrPayload(qr)).toEqual({
      recoveryKey: w.recoveryKey,
      vaultId: w.vaultId,
      origin: 'https://relay.carnet.example',
    });
  });
});
