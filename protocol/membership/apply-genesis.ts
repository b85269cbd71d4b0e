// PROTOCOL.md §10.6, genesis: on an empty state steps 2–3 become "this is the genesis of this vault, on this
// relay". Everything that makes a genesis wrong for this session is `member_bad_genesis`; the signature (by
// the device the genesis names, index 2) is checked by the caller as step 6.
import { equal, toHex } from '#crypto';
import type { BodyOf, MemberEntry } from './member-entry.ts';
import type { MembershipErrorCode } from './membership-error.ts';
import type { MembershipState, Principal } from './membership-state.ts';

/** The genesis signer: the first patient device (§3). */
export const GENESIS_SIGNER = 2;

/** Checks of a genesis against the session; the body, or the code. */
export function checkGenesis(
  state: MembershipState,
  entry: MemberEntry,
):
  { readonly ok: true; readonly body: BodyOf<'genesis'> } | { readonly ok: false; readonly code: MembershipErrorCode } {
  const { body } = entry;
  const bad = { ok: false, code: 'member_bad_genesis' } as const;
  if (body.kind !== 'genesis' || entry.seq !== 0 || entry.signer !== GENESIS_SIGNER) return bad;
  if (!entry.prev.every((b) => b === 0)) return bad;
  // The vault id in the body is the session's: a genesis from another vault cannot start this one.
  if (!equal(body.vaultId, state.vaultId)) return bad;
  if (state.pinnedRelayPk !== null && !equal(body.relayPk, state.pinnedRelayPk)) return bad;
  if (body.newEpoch.epoch !== 0) return bad;
  const keys = [body.relayPk, body.recoverySigPk, body.recoveryBoxPk, body.deviceSigPk, body.deviceBoxPk].map(toHex);
  if (new Set(keys).size !== keys.length) return bad;
  return { ok: true, body };
}

/** The state after a checked and verified genesis: relay 0, recovery 1, device 2 of person 0, epoch 0. */
export function applyGenesis(state: MembershipState, body: BodyOf<'genesis'>, hash: Uint8Array): MembershipState {
  const principal = (index: number, fields: Pick<Principal, 'role' | 'person' | 'sigPk' | 'boxPk'>): Principal => ({
    index,
    status: 'active',
    addedSeq: 0,
    removedSeq: null,
    share: null,
    ...fields,
  });
  const principals: Principal[] = [
    principal(0, { role: 'relay', person: null, sigPk: body.relayPk, boxPk: null }),
    principal(1, { role: 'recovery', person: null, sigPk: body.recoverySigPk, boxPk: body.recoveryBoxPk }),
    principal(2, { role: 'device', person: 0, sigPk: body.deviceSigPk, boxPk: body.deviceBoxPk }),
  ];
  const e = body.newEpoch;
  return {
    ...state,
    head: { seq: 0, hash },
    epoch: 0,
    epochStartSeq: 0,
    epochs: [{ epoch: 0, startSeq: 0, commitment: e.commitment, inboxPk: e.inboxPk }],
    closed: false,
    relays: [{ fromSeq: 0, origin: body.relayOrigin, pk: body.relayPk }],
    recoveryIndex: 1,
    persons: [{ person: 0, addedSeq: 0, removedSeq: null }],
    principals,
    // The relay key is left out: a vault may move back to a relay it used before (relay-repin).
    namedKeys: new Set([body.recoverySigPk, body.recoveryBoxPk, body.deviceSigPk, body.deviceBoxPk].map(toHex)),
  };
}
