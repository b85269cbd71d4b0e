// The named tests of THREAT_MODEL.md §9 for the membership validator (PROTOCOL.md §10), each refusal paired
// with a control that passes, plus the happy path from genesis.
import { beforeAll, describe, expect, it } from 'vitest';
import { concat, indexId, ready, shardId, shardPrefix, toHex } from '#crypto';
import { deriveLinkKeys } from '#crypto/link-secret';
import {
  decodeEntry,
  initialState,
  isIndexFamily,
  validateEntry,
  validateLog,
  type MembershipState,
} from '#protocol/membership/index';
import { MembershipLogBuilder, RELAY_ORIGIN } from '#tests/helpers/membership-log-builder';

beforeAll(async () => {
  await ready();
});

/** A vault with a patient device (2), a second patient device (3) and an assistant (index 4, person 1). */
function family(seed = 'family'): MembershipLogBuilder {
  const log = new MembershipLogBuilder(seed).genesis();
  log.addDevice(2, 0);
  log.addAssistant(2);
  return log;
}

function unsignedOf(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, bytes.length - 64);
}

describe('membership log', () => {
  it('rejects a bad signature', () => {
    const log = family();
    const good = log.draft(2, { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() });
    expect(log.check(good).ok).toBe(true);
    for (const at of [good.length - 1, good.length - 64, 2 + 1 + 32 + 8 + 1 + 1 + 3]) {
      const flipped = good.slice();
      flipped[at] = (flipped[at] ?? 0) ^ 0x01;
      expect(log.check(flipped)).toEqual({ ok: false, code: 'member_bad_signature' });
    }
    // Signed with device 3's key but naming device 2 as the signer.
    const wrongKey = log.draft(2, { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() }, log.keys.get(3)?.sigSk);
    expect(log.check(wrongKey)).toEqual({ ok: false, code: 'member_bad_signature' });
    // The same bytes checked for another vault: the vault id is inside the signed message (§10.6).
    const otherVault = { ...log.state, vaultId: new MembershipLogBuilder('other vault').vaultId };
    expect(validateEntry(otherVault, good)).toEqual({ ok: false, code: 'member_bad_signature' });
  });

  it('rejects a broken chain', () => {
    const log = family();
    const body = { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() } as const;
    const good = log.draft(2, body);
    expect(log.check(good).ok).toBe(true);
    const head = log.state.head;
    if (head === null) throw new Error('no head');
    // seq skips one.
    const skipped = log.resign(
      concat(unsignedOf(good).slice(0, 3), Uint8Array.of(head.seq + 2), unsignedOf(good).slice(4)),
      2,
    );
    expect(log.check(skipped)).toEqual({ ok: false, code: 'member_broken_chain' });
    // Right seq, wrong prev.
    const forged = unsignedOf(good);
    forged[4] = (forged[4] ?? 0) ^ 0xff;
    expect(log.check(log.resign(forged, 2))).toEqual({ ok: false, code: 'member_broken_chain' });
  });

  it('rejects a replayed entry', () => {
    const log = family();
    const last = log.entries[log.entries.length - 1];
    const genesis = log.entries[0];
    if (last === undefined || genesis === undefined) throw new Error('empty log');
    expect(log.check(last)).toEqual({ ok: false, code: 'member_replayed' });
    expect(log.check(genesis)).toEqual({ ok: false, code: 'member_replayed' });
    // A different entry at an already used seq (a fork) is a replay of that position too.
    const fork = new MembershipLogBuilder('family').genesis();
    fork.addAssistant(2);
    const forked = fork.entries[1];
    if (forked === undefined) throw new Error('no fork');
    expect(log.check(forked)).toEqual({ ok: false, code: 'member_replayed' });
  });

  it('rejects an entry signed without the right', () => {
    const log = family();
    const pro = log.claimLink(log.createLink(2, log.recordIds(2)));
    const rotate = () => ({ kind: 'rotate', reason: 3, newEpoch: log.newEpoch() }) as const;
    expect(log.check(log.draft(4, rotate())).ok).toBe(true); // an assistant may rotate
    expect(log.check(log.draft(pro, rotate()))).toEqual({ ok: false, code: 'member_no_right' });
    expect(log.check(log.draft(1, rotate()))).toEqual({ ok: false, code: 'member_no_right' });
    expect(log.check(log.draft(0, rotate(), log.relay.sigSk))).toEqual({ ok: false, code: 'member_no_right' });
    const id = log.identity();
    const replace = { kind: 'recovery-replace', sigPk: id.sigPk, boxPk: id.boxPk, newEpoch: log.newEpoch() } as const;
    expect(log.check(log.draft(4, replace))).toEqual({ ok: false, code: 'member_no_right' });
    expect(log.check(log.draft(3, replace)).ok).toBe(true);
    const repin = { kind: 'relay-repin', relayOrigin: RELAY_ORIGIN, relayPk: id.sigPk } as const;
    expect(log.check(log.draft(4, repin))).toEqual({ ok: false, code: 'member_no_right' });
    // An index nobody holds.
    expect(log.check(log.draft(99, rotate(), id.sigSk))).toEqual({ ok: false, code: 'member_unknown_principal' });
  });

  it('rejects an entry whose key was substituted', () => {
    const log = family();
    const newcomer = log.identity();
    const good = log.draft(2, { kind: 'device-add', person: 0, sigPk: newcomer.sigPk, boxPk: newcomer.boxPk });
    expect(log.check(good).ok).toBe(true);
    // The relay swaps in its own signing key for the new device (offset 47: the body after `person`).
    const swapped = good.slice();
    swapped.set(log.relay.sigPk, 47);
    expect(log.check(swapped)).toEqual({ ok: false, code: 'member_bad_signature' });
    // A genesis naming another relay key than the pinned one.
    const fresh = new MembershipLogBuilder('family');
    const pinnedElsewhere = initialState({ vaultId: fresh.vaultId, pinnedRelayPk: newcomer.sigPk });
    fresh.genesis();
    expect(validateLog(pinnedElsewhere, fresh.entries)).toMatchObject({ ok: false, code: 'member_bad_genesis' });
  });

  it('rejects an assistant adding a patient device', () => {
    const log = family();
    const id = log.identity();
    expect(log.check(log.draft(4, { kind: 'device-add', person: 1, sigPk: id.sigPk, boxPk: id.boxPk })).ok).toBe(true);
    expect(log.check(log.draft(4, { kind: 'device-add', person: 0, sigPk: id.sigPk, boxPk: id.boxPk }))).toEqual({
      ok: false,
      code: 'member_no_right',
    });
    // Nor a device of another assistant.
    const other = log.addAssistant(2);
    expect(
      log.check(log.draft(4, { kind: 'device-add', person: other.person, sigPk: id.sigPk, boxPk: id.boxPk })),
    ).toEqual({ ok: false, code: 'member_no_right' });
  });

  it('rejects an assistant removing a patient device', () => {
    const log = family();
    const second = log.addDevice(4, 1);
    expect(log.check(log.draft(4, { kind: 'device-remove', index: second, newEpoch: log.newEpoch() })).ok).toBe(true);
    for (const patientDevice of [2, 3]) {
      const entry = log.draft(4, { kind: 'device-remove', index: patientDevice, newEpoch: log.newEpoch() });
      expect(log.check(entry)).toEqual({ ok: false, code: 'member_no_right' });
    }
    // The patient may remove an assistant's device.
    expect(log.check(log.draft(2, { kind: 'device-remove', index: 4, newEpoch: log.newEpoch() })).ok).toBe(true);
  });

  it('recovery principal may only admit a patient device', () => {
    const log = family();
    const id = log.identity();
    expect(log.check(log.draft(1, { kind: 'device-add', person: 0, sigPk: id.sigPk, boxPk: id.boxPk })).ok).toBe(true);
    const refused = [
      { kind: 'device-add', person: 1, sigPk: id.sigPk, boxPk: id.boxPk },
      { kind: 'device-remove', index: 3, newEpoch: log.newEpoch() },
      { kind: 'assistant-add', sigPk: id.sigPk, boxPk: id.boxPk },
      {
        kind: 'link-create',
        linkId: log.random(16),
        linkAuthPk: id.sigPk,
        linkBoxPk: id.boxPk,
        expiresS: 0,
        maxUses: 0,
        maxPasscodeFailures: 0,
        verifier: null,
        deposit: false,
        scope: [],
      },
      { kind: 'close', newEpoch: log.newEpoch() },
      { kind: 'recovery-replace', sigPk: id.sigPk, boxPk: id.boxPk, newEpoch: log.newEpoch() },
    ] as const;
    for (const body of refused) expect(log.check(log.draft(1, body))).toEqual({ ok: false, code: 'member_no_right' });
    // Once replaced, the old recovery principal cannot even admit a device.
    const kit = log.identity();
    const replacement = log.append(2, {
      kind: 'recovery-replace',
      sigPk: kit.sigPk,
      boxPk: kit.boxPk,
      newEpoch: log.newEpoch(),
    });
    log.keys.set(replacement, kit);
    const later = log.identity();
    const add = { kind: 'device-add', person: 0, sigPk: later.sigPk, boxPk: later.boxPk } as const;
    expect(log.check(log.draft(1, add))).toEqual({ ok: false, code: 'member_no_right' });
    expect(log.check(log.draft(replacement, add)).ok).toBe(true);
    expect(log.state.principals[1]?.status).toBe('retired');
  });

  it('rejects a removed device re-adding itself', () => {
    const log = family();
    const keys = log.keys.get(3);
    if (keys === undefined) throw new Error('no device 3');
    log.removeDevice(2, 3);
    const fresh = log.identity();
    const selfAdd = log.draft(3, { kind: 'device-add', person: 0, sigPk: fresh.sigPk, boxPk: fresh.boxPk });
    expect(log.check(selfAdd)).toEqual({ ok: false, code: 'member_no_right' });
    // Not under its old keys either, whoever signs: a removed key never comes back.
    const oldKeys = log.draft(2, { kind: 'device-add', person: 0, sigPk: keys.sigPk, boxPk: keys.boxPk });
    expect(log.check(oldKeys)).toEqual({ ok: false, code: 'member_bad_target' });
    expect(log.check(log.draft(2, { kind: 'device-add', person: 0, sigPk: fresh.sigPk, boxPk: fresh.boxPk })).ok).toBe(
      true,
    );
  });

  it('rejects a link claim without the link-auth signature', () => {
    const log = family();
    const link = log.createLink(2, log.recordIds(3));
    const stranger = deriveLinkKeys(log.random(32));
    const forged = log.draftClaim(link, log.identity(), { linkAuthSk: stranger.authSecretKey });
    expect(log.check(forged)).toEqual({ ok: false, code: 'member_bad_signature' });
    // A genuine countersignature made for an earlier position in the log (a captured claim) fails too.
    const earlier = log.state.head?.hash;
    log.append(2, { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() });
    const replayed = log.draftClaim(link, log.identity(), { linkSigPrev: earlier });
    expect(log.check(replayed)).toEqual({ ok: false, code: 'member_bad_signature' });
    // The professional's own signature must hold too: the entry re-signed by another key fails.
    const pro = log.identity();
    const claim = log.draftClaim(link, pro);
    const resigned = log.draft(link, decodeEntry(claim).body, log.identity().sigSk);
    expect(log.check(resigned)).toEqual({ ok: false, code: 'member_bad_signature' });
    expect(log.check(claim).ok).toBe(true);
    log.accept(claim);
    log.keys.set(link, pro);
    const bound = log.state.principals[link];
    expect(bound).toMatchObject({ role: 'professional', status: 'active', share: { bound: true } });
    expect(toHex(bound?.sigPk ?? new Uint8Array())).toBe(toHex(log.keys.get(link)?.sigPk ?? new Uint8Array()));
  });

  it('rejects non-canonical encodings', () => {
    const log = family();
    const id = log.identity();
    const good = log.draft(2, { kind: 'device-add', person: 0, sigPk: id.sigPk, boxPk: id.boxPk });
    expect(log.check(good).ok).toBe(true);
    const u = unsignedOf(good);
    const link = log.createLink(2, []);
    const [a, b] = log.recordIds(2);
    if (a === undefined || b === undefined) throw new Error('ids');
    const extend = unsignedOf(log.draft(2, { kind: 'scope-extend', index: link, records: [a, b] }));
    expect(log.check(log.resign(extend, 2)).ok).toBe(true);
    const repin = unsignedOf(
      log.draft(2, { kind: 'relay-repin', relayOrigin: 'https://caf\u00e9.example', relayPk: id.sigPk }),
    );
    expect(log.check(log.resign(repin, 2)).ok).toBe(true);
    const nfd = new TextEncoder().encode('https://cafe\u0301.example');

    // Each variant is validly signed over its own bytes, so only the canonical-form check can refuse it.
    const variants: [string, Uint8Array, RegExp][] = [
      // Signer 2 written as 0x82 0x00 (offset 44).
      [
        'non-minimal varint',
        log.resign(concat(u.slice(0, 44), Uint8Array.of(0x82, 0x00), u.slice(45)), 2),
        /non-minimal/,
      ],
      ['trailing byte after the signature', concat(good, Uint8Array.of(0)), /trailing/],
      [
        'trailing byte inside the body',
        log.resign(concat(u.slice(0, 45), Uint8Array.of((u[45] ?? 0) + 1), u.slice(46), Uint8Array.of(0)), 2),
        /trailing/,
      ],
      ['unsorted record ids', log.resign(concat(extend.slice(0, extend.length - 32), b, a), 2), /sorted/],
      ['duplicated record ids', log.resign(concat(extend.slice(0, extend.length - 32), a, a), 2), /unique/],
      [
        'non-NFC string',
        log.resign(concat(repin.slice(0, 45), Uint8Array.of(1 + nfd.length + 32, nfd.length), nfd, id.sigPk), 2),
        /NFC/,
      ],
    ];
    for (const [what, bytes, reason] of variants) {
      expect(log.check(bytes), what).toEqual({ ok: false, code: 'member_bad_encoding' });
      expect(() => decodeEntry(bytes), what).toThrow(reason);
    }
  });

  it('rejects a scope or a deletion naming the index or one of its shards', () => {
    const log = family();
    const [record] = log.recordIds(1);
    if (record === undefined) throw new Error('ids');
    const link = log.createLink(2, [record]);
    const prefix = shardPrefix(log.vaultId);
    // The root, the first shard of device 2, a later shard of another creator, the last possible shard.
    const familyIds = [
      indexId(log.vaultId),
      shardId(prefix, 2, 0),
      shardId(prefix, 70_000, 3),
      shardId(prefix, ~0 >>> 0, 0xffff),
    ];
    // Ordinary ids: P with its last byte changed, and a shard id of another vault's index.
    const nearP = shardId(prefix, 2, 0);
    nearP[9] = (nearP[9] ?? 0) ^ 0x01;
    const otherVault = shardId(shardPrefix(new MembershipLogBuilder('other vault').vaultId), 2, 0);
    expect(log.state.shardPrefix).toBe(toHex(prefix));
    for (const id of familyIds) {
      expect(isIndexFamily(log.state, toHex(id)), toHex(id)).toBe(true);
      for (const [signer, body] of [
        [2, { kind: 'scope-extend', index: link, records: [id] }],
        [4, { kind: 'scope-extend', index: link, records: [id] }],
        [2, { kind: 'scope-reduce', index: link, records: [id] }],
        [2, { kind: 'record-delete', records: [id] }],
        [4, { kind: 'record-delete', records: [id] }],
      ] as const) {
        expect(log.check(log.draft(signer, body)), `${body.kind} by ${signer}`).toEqual({
          ok: false,
          code: 'member_bad_target',
        });
      }
      // With an ordinary id alongside: one family id refuses the whole entry.
      const mixed = [id, nearP].sort((a, b) => toHex(a).localeCompare(toHex(b)));
      expect(log.check(log.draft(2, { kind: 'scope-extend', index: link, records: mixed }))).toEqual({
        ok: false,
        code: 'member_bad_target',
      });
      expect(() => log.createLink(2, [id])).toThrow(/member_bad_target/);
    }
    // Controls: ids outside the family are scoped and deleted as any record.
    for (const id of [nearP, otherVault]) {
      expect(isIndexFamily(log.state, toHex(id))).toBe(false);
      expect(log.check(log.draft(2, { kind: 'scope-extend', index: link, records: [id] })).ok).toBe(true);
      expect(log.check(log.draft(2, { kind: 'record-delete', records: [id] })).ok).toBe(true);
    }
    expect(log.check(log.draft(2, { kind: 'scope-reduce', index: link, records: [record] })).ok).toBe(true);
    expect(isIndexFamily(log.state, toHex(prefix))).toBe(false); // a 10-byte id is no record id
  });

  it('close rotates and alternates with reopen', () => {
    const log = family();
    const link = log.createLink(2, log.recordIds(1));
    expect(log.check(log.draft(2, { kind: 'reopen' }))).toEqual({ ok: false, code: 'member_bad_target' });
    log.append(4, { kind: 'close', newEpoch: log.newEpoch() });
    expect(log.state).toMatchObject({ closed: true, epoch: 1, epochStartSeq: log.state.head?.seq });
    expect(log.check(log.draft(2, { kind: 'close', newEpoch: log.newEpoch() }))).toEqual({
      ok: false,
      code: 'member_bad_target',
    });
    // No professional binds a link while the vault is closed.
    expect(log.check(log.draftClaim(link))).toEqual({ ok: false, code: 'member_no_right' });
    log.append(2, { kind: 'reopen' });
    expect(log.state).toMatchObject({ closed: false, epoch: 1 });
    log.claimLink(link);
    log.append(2, { kind: 'close', newEpoch: log.newEpoch() });
    expect(log.state).toMatchObject({ closed: true, epoch: 2 });
  });

  it('replays a log from genesis through device-add, assistant-add, grant, link-claim, close and reopen', () => {
    const log = new MembershipLogBuilder('happy path').genesis();
    const tablet = log.addDevice(2, 0);
    const helper = log.addAssistant(tablet);
    const records = log.recordIds(3);
    const link = log.createLink(2, records.slice(0, 2), {
      expiresS: 1_800_000_000,
      maxUses: 5,
      passcodeFailures: 3,
      deposit: true,
    });
    log.claimLink(link);
    log.append(helper.index, { kind: 'scope-extend', index: link, records: records.slice(2) });
    log.append(2, { kind: 'close', newEpoch: log.newEpoch() });
    log.append(2, { kind: 'reopen' });

    const replay = validateLog(initialState({ vaultId: log.vaultId, pinnedRelayPk: log.relay.sigPk }), log.entries);
    if (!replay.ok) throw new Error(replay.code);
    const s: MembershipState = replay.state;
    expect(s.head?.seq).toBe(7);
    expect(toHex(s.head?.hash ?? new Uint8Array())).toBe(toHex(log.state.head?.hash ?? new Uint8Array()));
    expect(s).toMatchObject({ epoch: 1, epochStartSeq: 6, closed: false, recoveryIndex: 1 });
    expect(s.principals.map((p) => [p.index, p.role, p.person, p.status])).toEqual([
      [0, 'relay', null, 'active'],
      [1, 'recovery', null, 'active'],
      [2, 'device', 0, 'active'],
      [3, 'device', 0, 'active'],
      [4, 'device', 1, 'active'],
      [5, 'professional', null, 'active'],
    ]);
    expect(s.persons.map((p) => p.person)).toEqual([0, 1]);
    const share = s.principals[link]?.share;
    expect(share).toMatchObject({
      expiresS: 1_800_000_000,
      maxUses: 5,
      maxPasscodeFailures: 3,
      deposit: true,
      bound: true,
    });
    expect([...(share?.scope ?? [])].sort()).toEqual(records.map(toHex).sort());
    expect(s.epochs.map((e) => [e.epoch, e.startSeq])).toEqual([
      [0, 0],
      [1, 6],
    ]);
    expect(s.relays).toMatchObject([{ fromSeq: 0, origin: RELAY_ORIGIN }]);
  });
});
