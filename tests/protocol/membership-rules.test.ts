// The validator's rules beyond the named tests: genesis, link claims, removed principals and epochs.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { epochAt, initialState, keyringRecipients, validateLog, type MemberBody } from '#protocol/membership/index';
import { MembershipLogBuilder, RELAY_ORIGIN } from '#tests/helpers/membership-log-builder';

beforeAll(async () => {
  await ready();
});

function family(seed = 'rules'): MembershipLogBuilder {
  const log = new MembershipLogBuilder(seed).genesis();
  log.addDevice(2, 0); // 3
  log.addAssistant(2); // 4, person 1
  return log;
}

describe('membership genesis', () => {
  function genesisBody(log: MembershipLogBuilder, patch: Partial<Extract<MemberBody, { kind: 'genesis' }>> = {}) {
    const device = log.identity();
    log.keys.set(2, device);
    const recovery = log.identity();
    return {
      kind: 'genesis',
      vaultId: log.vaultId,
      relayOrigin: RELAY_ORIGIN,
      relayPk: log.relay.sigPk,
      recoverySigPk: recovery.sigPk,
      recoveryBoxPk: recovery.boxPk,
      deviceSigPk: device.sigPk,
      deviceBoxPk: device.boxPk,
      newEpoch: log.newEpoch(0),
      ...patch,
    } as const;
  }

  it('accepts the genesis of this vault on the pinned relay, signed by device 2', () => {
    const log = new MembershipLogBuilder('genesis');
    const result = log.check(log.draft(2, genesisBody(log)));
    expect(result.ok && result.state).toMatchObject({ head: { seq: 0 }, epoch: 0, closed: false, recoveryIndex: 1 });
  });

  it('refuses a genesis for another vault, relay key, signer or epoch, and any other first entry', () => {
    const log = new MembershipLogBuilder('genesis');
    const other = log.identity();
    const cases: Uint8Array[] = [
      log.draft(2, genesisBody(log, { vaultId: log.random(16) })),
      log.draft(2, genesisBody(log, { relayPk: other.sigPk })),
      log.draft(2, genesisBody(log, { newEpoch: { ...log.newEpoch(0), epoch: 1 } })),
      log.draft(2, genesisBody(log, { recoveryBoxPk: other.sigPk, deviceSigPk: other.sigPk })),
      log.draft(3, genesisBody(log), log.keys.get(2)?.sigSk),
      log.draft(2, { kind: 'reopen' }),
    ];
    for (const bytes of cases) expect(log.check(bytes)).toEqual({ ok: false, code: 'member_bad_genesis' });
    // Signed by a key other than the device it names.
    expect(log.check(log.draft(2, genesisBody(log), other.sigSk))).toEqual({ ok: false, code: 'member_bad_signature' });
  });

  it('accepts any relay key when none is pinned, and refuses a second genesis', () => {
    const log = new MembershipLogBuilder('genesis').genesis();
    const unpinned = initialState({ vaultId: log.vaultId, pinnedRelayPk: null });
    expect(validateLog(unpinned, log.entries).ok).toBe(true);
    // A genesis extending the head is a genesis at seq 1: nobody has that right (§10.5).
    const signer = log.keys.get(2);
    const again = log.draft(2, genesisBody(log), signer?.sigSk);
    expect(log.check(again)).toEqual({ ok: false, code: 'member_no_right' });
    expect(log.check(log.entries[0] ?? again)).toEqual({ ok: false, code: 'member_replayed' });
  });
});

describe('membership link claims', () => {
  it('binds a link once, to one key, while active and open', () => {
    const log = family();
    const link = log.createLink(2, log.recordIds(2));
    const other = log.createLink(2, log.recordIds(1));
    // A link may claim only itself.
    const pro = log.identity();
    const claim = log.draftClaim(link, pro);
    const asOther = log.draft(
      other,
      { kind: 'link-claim', linkIndex: link, proSigPk: pro.sigPk, proBoxPk: pro.boxPk, linkSig: new Uint8Array(64) },
      pro.sigSk,
    );
    expect(log.check(asOther)).toEqual({ ok: false, code: 'member_no_right' });
    log.accept(claim);
    log.keys.set(link, pro);
    // Another key racing for the same link finds it bound: the relay answers link_already_claimed.
    expect(log.check(log.draftClaim(link))).toEqual({ ok: false, code: 'member_no_right' });
    // A professional's key is new to the log: it cannot reuse a member's key.
    const reused = log.keys.get(3);
    if (reused === undefined) throw new Error('no device 3');
    expect(log.check(log.draftClaim(other, reused))).toEqual({ ok: false, code: 'member_bad_target' });
    // A revoked link cannot be claimed.
    log.append(2, { kind: 'revoke', index: other, newEpoch: log.newEpoch() });
    expect(log.check(log.draftClaim(other))).toEqual({ ok: false, code: 'member_no_right' });
    // A claim naming an index that does not exist.
    expect(
      log.check(
        log.draft(link, {
          kind: 'link-claim',
          linkIndex: 77,
          proSigPk: pro.sigPk,
          proBoxPk: pro.boxPk,
          linkSig: new Uint8Array(64),
        }),
      ),
    ).toEqual({ ok: false, code: 'member_unknown_principal' });
  });

  it('a professional has no membership right once bound', () => {
    const log = family();
    const pro = log.claimLink(log.createLink(2, []));
    const bodies: MemberBody[] = [
      { kind: 'scope-extend', index: pro, records: log.recordIds(1) },
      { kind: 'deposit-right', index: pro, allowed: true },
      { kind: 'reopen' },
    ];
    for (const body of bodies) expect(log.check(log.draft(pro, body))).toEqual({ ok: false, code: 'member_no_right' });
  });
});

describe('membership removals and epochs', () => {
  it("rejects a removed principal's later entries", () => {
    const log = family();
    const helper2 = log.addDevice(4, 1);
    const pro = log.claimLink(log.createLink(2, []));
    log.append(2, { kind: 'assistant-remove', person: 1, newEpoch: log.newEpoch() });
    log.append(2, { kind: 'revoke', index: pro, newEpoch: log.newEpoch() });
    log.removeDevice(2, 3);
    expect(log.state.principals.filter((p) => p.status !== 'active').map((p) => [p.index, p.status])).toEqual([
      [3, 'removed'],
      [4, 'removed'],
      [helper2, 'removed'],
      [pro, 'revoked'],
    ]);
    for (const signer of [3, 4, helper2, pro]) {
      expect(log.check(log.draft(signer, { kind: 'rotate', reason: 2, newEpoch: log.newEpoch() }))).toEqual({
        ok: false,
        code: 'member_no_right',
      });
    }
    // A removed person gets no new device, and cannot be removed twice.
    const id = log.identity();
    expect(log.check(log.draft(2, { kind: 'device-add', person: 1, sigPk: id.sigPk, boxPk: id.boxPk }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    expect(log.check(log.draft(2, { kind: 'assistant-remove', person: 1, newEpoch: log.newEpoch() }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    expect(log.check(log.draft(2, { kind: 'device-remove', index: 3, newEpoch: log.newEpoch() }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    expect(keyringRecipients(log.state)).toEqual([1, 2]);
  });

  it('advances the epoch by exactly one on every removal and rotation', () => {
    const log = family();
    const link = log.createLink(2, []);
    const start = log.state.epoch;
    const rotations: (() => void)[] = [
      () => log.removeDevice(2, 3),
      () => log.append(2, { kind: 'assistant-remove', person: 1, newEpoch: log.newEpoch() }),
      () => log.append(2, { kind: 'revoke', index: link, newEpoch: log.newEpoch() }),
      () => log.append(2, { kind: 'rotate', reason: 1, newEpoch: log.newEpoch() }),
      () => log.append(2, { kind: 'close', newEpoch: log.newEpoch() }),
    ];
    rotations.forEach((rotate, i) => {
      rotate();
      expect(log.state.epoch).toBe(start + i + 1);
      expect(log.state.epochStartSeq).toBe(log.state.head?.seq);
    });
    // Not the next epoch: skipped, repeated, or the current one.
    for (const epoch of [log.state.epoch + 2, log.state.epoch, 0]) {
      const newEpoch = { ...log.newEpoch(), epoch };
      expect(log.check(log.draft(2, { kind: 'rotate', reason: 3, newEpoch }))).toEqual({
        ok: false,
        code: 'member_bad_epoch',
      });
    }
    // Non-rotating kinds leave it alone; epochAt answers for any cited head.
    log.append(2, { kind: 'reopen' });
    expect(log.state.epoch).toBe(start + 5);
    expect(epochAt(log.state, 0)).toBe(0);
    expect(epochAt(log.state, log.state.epochStartSeq - 1)).toBe(start + 4);
    expect(epochAt(log.state, (log.state.head?.seq ?? 0) + 1)).toBeUndefined();
  });

  it('refuses removing the relay, the recovery principal or a share with device-remove', () => {
    const log = family();
    const link = log.createLink(2, []);
    for (const index of [0, 1, link]) {
      expect(log.check(log.draft(2, { kind: 'device-remove', index, newEpoch: log.newEpoch() }))).toEqual({
        ok: false,
        code: 'member_bad_target',
      });
    }
    expect(log.check(log.draft(2, { kind: 'revoke', index: 3, newEpoch: log.newEpoch() }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    expect(log.check(log.draft(2, { kind: 'assistant-remove', person: 0, newEpoch: log.newEpoch() }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
  });
});
