// The state the membership log produces (PROTOCOL.md §10.4): scopes and deleted records, share terms,
// recovery and relay keys, and the immutability the relay relies on to validate before committing.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, toHex } from '#crypto';
import { indexId } from '#crypto/record-keys';
import {
  activeShares,
  initialState,
  MEMBERSHIP_ERROR_CODES,
  keyringRecipients,
  relayAt,
  validateLog,
  type MemberBody,
} from '#protocol/membership/index';
import { WIRE_ERRORS } from '#protocol/error-codes';
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

describe('membership scopes and records', () => {
  it('extends, reduces and deletes with the set rules of §10.3', () => {
    const log = family();
    const [r1, r2, r3] = log.recordIds(3);
    if (r1 === undefined || r2 === undefined || r3 === undefined) throw new Error('ids');
    const link = log.createLink(2, [r1]);
    const scope = () => [...(log.state.principals[link]?.share?.scope ?? [])].sort();
    const refused = (body: MemberBody) =>
      expect(log.check(log.draft(2, body))).toEqual({ ok: false, code: 'member_bad_target' });
    refused({ kind: 'scope-extend', index: link, records: [r1] }); // already in scope
    refused({ kind: 'scope-extend', index: link, records: [] });
    refused({ kind: 'scope-extend', index: link, records: [indexId(log.vaultId)] }); // never the vault index
    refused({ kind: 'scope-reduce', index: link, records: [r2] }); // not in scope
    refused({ kind: 'scope-extend', index: 3, records: [r2] }); // not a share
    log.append(4, {
      kind: 'scope-extend',
      index: link,
      records: [r2, r3].sort((a, b) => toHex(a).localeCompare(toHex(b))),
    });
    expect(scope()).toEqual([r1, r2, r3].map(toHex).sort());
    log.append(2, { kind: 'scope-reduce', index: link, records: [r1] });
    log.append(2, { kind: 'record-delete', records: [r2] });
    expect(scope()).toEqual([toHex(r3)]);
    expect(log.state.deletedRecords.has(toHex(r2))).toBe(true);
    refused({ kind: 'record-delete', records: [r2] }); // deleted once only
    refused({ kind: 'scope-extend', index: link, records: [r2] }); // a deleted record comes back in no scope
    const create = () => log.createLink(2, [r2]);
    expect(create).toThrow(/member_bad_target/);
  });

  it('updates terms and the deposit right of active shares only', () => {
    const log = family();
    const link = log.createLink(2, [], { passcodeFailures: 5 });
    log.append(2, { kind: 'share-update', index: link, expiresS: 2_000_000_000, maxUses: 9 });
    log.append(4, { kind: 'deposit-right', index: link, allowed: true });
    expect(log.state.principals[link]?.share).toMatchObject({
      expiresS: 2_000_000_000,
      maxUses: 9,
      deposit: true,
      maxPasscodeFailures: 5,
      bound: false,
    });
    expect(activeShares(log.state).map((p) => p.index)).toEqual([link]);
    log.append(2, { kind: 'revoke', index: link, newEpoch: log.newEpoch() });
    expect(log.check(log.draft(2, { kind: 'share-update', index: link, expiresS: 0, maxUses: 0 }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    expect(log.check(log.draft(2, { kind: 'revoke', index: link, newEpoch: log.newEpoch() }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    expect(activeShares(log.state)).toEqual([]);
  });
});

describe('membership recovery and relay keys', () => {
  it('recovery-replace retires the old principal; relay-repin moves the relay key from its seq on', () => {
    const log = family();
    const kit = log.identity();
    const index = log.append(3, {
      kind: 'recovery-replace',
      sigPk: kit.sigPk,
      boxPk: kit.boxPk,
      newEpoch: log.newEpoch(),
    });
    expect(log.state.recoveryIndex).toBe(index);
    expect(keyringRecipients(log.state)).toEqual([2, 3, 4, index]);
    const relay = log.identity();
    log.append(2, { kind: 'relay-repin', relayOrigin: 'https://relay2.carnet.example', relayPk: relay.sigPk });
    const seq = log.state.head?.seq ?? -1;
    expect(relayAt(log.state, seq - 1)?.origin).toBe(RELAY_ORIGIN);
    expect(relayAt(log.state, seq)).toMatchObject({ fromSeq: seq, origin: 'https://relay2.carnet.example' });
    expect(toHex(log.state.principals[0]?.sigPk ?? new Uint8Array())).toBe(toHex(relay.sigPk));
  });
});

describe('membership state', () => {
  it('is never changed by validation, accepted or refused', () => {
    const log = family();
    const before = log.state;
    const snapshot = JSON.stringify(before, (_k, v: unknown) =>
      v instanceof Set
        ? [...(v as Set<unknown>)]
        : v instanceof Map
          ? [...(v as Map<unknown, unknown>)]
          : v instanceof Uint8Array
            ? toHex(v)
            : v,
    );
    log.check(log.draft(2, { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() }));
    log.check(log.draft(4, { kind: 'device-remove', index: 2, newEpoch: log.newEpoch() }));
    log.check(log.draft(2, { kind: 'record-delete', records: log.recordIds(2) }));
    const after = JSON.stringify(log.state, (_k, v: unknown) =>
      v instanceof Set
        ? [...(v as Set<unknown>)]
        : v instanceof Map
          ? [...(v as Map<unknown, unknown>)]
          : v instanceof Uint8Array
            ? toHex(v)
            : v,
    );
    expect(log.state).toBe(before);
    expect(after).toBe(snapshot);
  });

  it('validateLog reports where a log stops being valid', () => {
    const log = family();
    const entries = [...log.entries];
    const tampered = entries[2]?.slice();
    if (tampered === undefined) throw new Error('short log');
    tampered[50] = (tampered[50] ?? 0) ^ 1;
    const result = validateLog(initialState({ vaultId: log.vaultId, pinnedRelayPk: log.relay.sigPk }), [
      entries[0] ?? tampered,
      entries[1] ?? tampered,
      tampered,
    ]);
    expect(result).toMatchObject({ ok: false, code: 'member_bad_signature', at: 2 });
    expect(result.state.head?.seq).toBe(1);
  });
});

describe('membership error codes', () => {
  it('are exactly the wire codes 300–309 of PROTOCOL.md §21.1', () => {
    const wire = Object.entries(WIRE_ERRORS)
      .filter(([, e]) => e.number >= 300 && e.number < 400)
      .map(([name]) => name);
    expect([...MEMBERSHIP_ERROR_CODES]).toEqual(wire);
  });
});
