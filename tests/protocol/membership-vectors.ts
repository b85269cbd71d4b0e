// Builds tests/fixtures/vectors/membership-log.json (PROTOCOL.md §23) from a fixed seed: a valid log with the
// head and state after each entry, and one invalid variant per validator code. Written by
// generate-membership-vectors.ts, recomputed and compared by membership-vectors.test.ts.
import { concat, toHex } from '#crypto';
import { decodeEntry, type MembershipState, type Principal } from '#protocol/membership/index';
import { MembershipLogBuilder, RELAY_ORIGIN } from '#tests/helpers/membership-log-builder';

export const VECTOR_SEED = 'carnet membership-log vectors v1';
export const VECTOR_FILE = 'tests/fixtures/vectors/membership-log.json';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const hex = (b: Uint8Array | null | undefined): string | null => (b === null || b === undefined ? null : toHex(b));
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

function principalJson(p: Principal): Json {
  const share = p.share;
  return {
    index: p.index,
    role: p.role,
    person: p.person,
    status: p.status,
    sig_pk: hex(p.sigPk),
    box_pk: hex(p.boxPk),
    added_seq: p.addedSeq,
    removed_seq: p.removedSeq,
    share:
      share === null
        ? null
        : {
            link_id: hex(share.linkId),
            link_auth_pk: hex(share.linkAuthPk),
            link_box_pk: hex(share.linkBoxPk),
            expires_s: share.expiresS,
            max_uses: share.maxUses,
            max_passcode_failures: share.maxPasscodeFailures,
            verifier: hex(share.verifier),
            deposit: share.deposit,
            scope: sorted(share.scope),
            bound: share.bound,
          },
  };
}

/** The §10.4 state as JSON (hex bytes, sorted sets), the form the vectors and their test compare. */
export function stateJson(s: MembershipState): Json {
  return {
    head: s.head === null ? null : { seq: s.head.seq, hash: toHex(s.head.hash) },
    epoch: s.epoch,
    epoch_start_seq: s.epochStartSeq,
    epochs: s.epochs.map((e) => ({
      epoch: e.epoch,
      start_seq: e.startSeq,
      commitment: toHex(e.commitment),
      inbox_pk: toHex(e.inboxPk),
    })),
    closed: s.closed,
    relays: s.relays.map((r) => ({ from_seq: r.fromSeq, origin: r.origin, pk: toHex(r.pk) })),
    recovery_index: s.recoveryIndex,
    persons: s.persons.map((p) => ({ person: p.person, added_seq: p.addedSeq, removed_seq: p.removedSeq })),
    principals: s.principals.map(principalJson),
    deleted_records: sorted(s.deletedRecords),
  };
}

export function buildMembershipVectors(): Json {
  const log = new MembershipLogBuilder(VECTOR_SEED).genesis();
  const entries: Json[] = [];
  const states: MembershipState[] = [log.state];
  const record = (name: string) => {
    const bytes = log.entries[log.entries.length - 1] ?? new Uint8Array();
    const entry = decodeEntry(bytes);
    const signer = log.keys.get(entry.signer);
    entries.push({
      name,
      signer: entry.signer,
      signer_seeds: (() => {
        const seeds = signer === undefined ? undefined : log.seeds.get(toHex(signer.sigPk));
        return seeds === undefined ? null : { sig_seed: toHex(seeds.sigSeed), box_seed: toHex(seeds.boxSeed) };
      })(),
      time: entry.time,
      bytes: toHex(bytes),
      hash: toHex(log.state.head?.hash ?? new Uint8Array()),
      state: stateJson(log.state),
    });
    states.push(log.state);
  };
  record('genesis');
  const tablet = log.addDevice(2, 0);
  record('device-add');
  const helper = log.addAssistant(2);
  record('assistant-add');
  const [r1, r2, r3] = log.recordIds(3);
  if (r1 === undefined || r2 === undefined || r3 === undefined) throw new Error('ids');
  const link = log.createLink(2, [r1, r2], { expiresS: 1_798_761_600, maxUses: 3, passcodeFailures: 5, deposit: true });
  record('link-create');
  log.claimLink(link);
  record('link-claim');
  log.append(helper.index, { kind: 'scope-extend', index: link, records: [r3] });
  record('scope-extend');
  log.append(tablet, { kind: 'revoke', index: link, newEpoch: log.newEpoch() });
  record('revoke');
  log.append(2, { kind: 'close', newEpoch: log.newEpoch() });
  record('close');
  log.append(2, { kind: 'reopen' });
  record('reopen');

  // Invalid variants, each checked against the state after the first `after` entries.
  const last = log.entries.length;
  const invalid: { description: string; after: number; bytes: Uint8Array; code: string }[] = [];
  const add = (description: string, after: number, bytes: Uint8Array, code: string) =>
    invalid.push({ description, after, bytes, code });
  const rotate = log.draft(2, { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() });
  const unsigned = rotate.slice(0, rotate.length - 64);
  add(
    'signer 2 as the non-minimal varint 0x82 0x00, validly signed',
    last,
    log.resign(concat(unsigned.slice(0, 44), Uint8Array.of(0x82, 0x00), unsigned.slice(45)), 2),
    'member_bad_encoding',
  );
  add('the device-add entry presented again', last, log.entries[1] ?? rotate, 'member_replayed');
  const wrongPrev = unsigned.slice();
  wrongPrev[4] = (wrongPrev[4] ?? 0) ^ 0xff;
  add('prev is not the head hash', last, log.resign(wrongPrev, 2), 'member_broken_chain');
  add(
    'signed as index 40, which does not exist',
    last,
    log.draft(40, { kind: 'reopen' }, log.keys.get(2)?.sigSk),
    'member_unknown_principal',
  );
  add(
    'the assistant removes a patient device',
    last,
    log.draft(helper.index, { kind: 'device-remove', index: tablet, newEpoch: log.newEpoch() }),
    'member_no_right',
  );
  const flipped = rotate.slice();
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0x01;
  add('last signature byte flipped', last, flipped, 'member_bad_signature');
  add(
    'rotate skipping an epoch',
    last,
    log.draft(2, { kind: 'rotate', reason: 3, newEpoch: { ...log.newEpoch(), epoch: log.state.epoch + 2 } }),
    'member_bad_epoch',
  );
  add('reopen while open', last, log.draft(2, { kind: 'reopen' }), 'member_bad_target');
  add('the genesis checked for another vault id', 0, log.entries[0] ?? rotate, 'member_bad_genesis');

  return {
    description:
      'PROTOCOL.md §10: a valid membership log with the head and §10.4 state after each entry, and one invalid variant per validator code (validate `bytes` against the state after the first `after` entries; `after` 0 with `vault_id_override` for the genesis case).',
    generator: 'npx tsx tests/protocol/generate-membership-vectors.ts',
    seed: VECTOR_SEED,
    vault_id: toHex(log.vaultId),
    relay_origin: RELAY_ORIGIN,
    relay_sig_pk: toHex(log.relay.sigPk),
    recovery_key: toHex(log.recoveryKey),
    link_secrets: Object.fromEntries([...log.linkSecrets].map(([i, l]) => [String(i), toHex(l)])),
    epoch_secrets: log.epochSecrets.slice(0, log.state.epoch + 1).map(toHex),
    entries,
    invalid: invalid.map((v) => ({
      description: v.description,
      after: v.after,
      ...(v.code === 'member_bad_genesis'
        ? { vault_id_override: toHex(new MembershipLogBuilder('another vault').vaultId) }
        : {}),
      bytes: toHex(v.bytes),
      code: v.code,
    })),
  };
}
