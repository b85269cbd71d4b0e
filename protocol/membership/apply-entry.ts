// PROTOCOL.md §10.3–§10.4 and validator step 7: the kind's semantics (targets in the right state, the next
// epoch, close/reopen alternating, scopes), and the new state. Called only after steps 1–6 passed; it never
// mutates `state`, it returns a new one sharing every unchanged part.
import { toHex } from '#crypto';
import type { MemberEntry, MemberHead, NewEpoch } from './member-entry.ts';
import { ROTATING_KINDS } from './member-entry.ts';
import type { MembershipErrorCode } from './membership-error.ts';
import type { MembershipState, Principal, Share } from './membership-state.ts';

export type ApplyResult =
  { readonly ok: true; readonly state: MembershipState } | { readonly ok: false; readonly code: MembershipErrorCode };

const fail = (code: MembershipErrorCode): ApplyResult => ({ ok: false, code });

/** Keys must be new to the log: a removed device cannot come back under its old (possibly stolen) keys. */
function freshKeys(state: MembershipState, ...keys: Uint8Array[]): string[] | null {
  const hex = keys.map(toHex);
  if (new Set(hex).size !== hex.length || hex.some((k) => state.namedKeys.has(k))) return null;
  return hex;
}

function addKeys(state: MembershipState, hex: readonly string[]): ReadonlySet<string> {
  const next = new Set(state.namedKeys);
  for (const k of hex) next.add(k);
  return next;
}

function replace(state: MembershipState, p: Principal): readonly Principal[] {
  const next = state.principals.slice();
  next[p.index] = p;
  return next;
}

function activeShare(state: MembershipState, index: number): (Principal & { share: Share }) | null {
  const p = state.principals[index];
  return p !== undefined && p.status === 'active' && p.share !== null ? (p as Principal & { share: Share }) : null;
}

/** Record ids a scope may gain: not deleted, not the vault index, and (for extend) not already there. */
function scopeable(state: MembershipState, ids: readonly string[]): boolean {
  return ids.every((id) => id !== state.indexId && !state.deletedRecords.has(id));
}

/** Apply a rotating entry's NewEpoch: it must be exactly the next epoch (`member_bad_epoch`). */
function rotate(state: MembershipState, seq: number, e: NewEpoch): MembershipState | null {
  if (e.epoch !== state.epoch + 1) return null;
  const info = { epoch: e.epoch, startSeq: seq, commitment: e.commitment, inboxPk: e.inboxPk };
  return { ...state, epoch: e.epoch, epochStartSeq: seq, epochs: [...state.epochs, info] };
}

function newPrincipal(
  state: MembershipState,
  seq: number,
  fields: Pick<Principal, 'role' | 'person' | 'sigPk' | 'boxPk' | 'share'>,
): Principal {
  return { index: state.principals.length, status: 'active', addedSeq: seq, removedSeq: null, ...fields };
}

/** Semantics and state transition of every kind but genesis (see `applyGenesis`). */
function applyKind(state: MembershipState, entry: MemberEntry): ApplyResult {
  const { seq, body } = entry;
  switch (body.kind) {
    case 'genesis':
      return fail('member_no_right'); // unreachable: rights refuse a genesis after seq 0
    case 'device-add': {
      const person = state.persons[body.person];
      if (person === undefined || person.removedSeq !== null) return fail('member_bad_target');
      const keys = freshKeys(state, body.sigPk, body.boxPk);
      if (keys === null) return fail('member_bad_target');
      const p = newPrincipal(state, seq, {
        role: 'device',
        person: body.person,
        sigPk: body.sigPk,
        boxPk: body.boxPk,
        share: null,
      });
      return { ok: true, state: { ...state, principals: [...state.principals, p], namedKeys: addKeys(state, keys) } };
    }
    case 'device-remove': {
      const target = state.principals[body.index];
      if (target?.role !== 'device' || target.status !== 'active') return fail('member_bad_target');
      const next = rotate(state, seq, body.newEpoch);
      if (next === null) return fail('member_bad_epoch');
      return {
        ok: true,
        state: { ...next, principals: replace(next, { ...target, status: 'removed', removedSeq: seq }) },
      };
    }
    case 'assistant-add': {
      const keys = freshKeys(state, body.sigPk, body.boxPk);
      if (keys === null) return fail('member_bad_target');
      const person = state.persons.length;
      const p = newPrincipal(state, seq, { role: 'device', person, sigPk: body.sigPk, boxPk: body.boxPk, share: null });
      return {
        ok: true,
        state: {
          ...state,
          persons: [...state.persons, { person, addedSeq: seq, removedSeq: null }],
          principals: [...state.principals, p],
          namedKeys: addKeys(state, keys),
        },
      };
    }
    case 'assistant-remove': {
      const person = state.persons[body.person];
      // Person 0 is the patient: no assistant-remove can take the vault from its owner.
      if (body.person === 0 || person === undefined || person.removedSeq !== null) return fail('member_bad_target');
      const next = rotate(state, seq, body.newEpoch);
      if (next === null) return fail('member_bad_epoch');
      const principals = next.principals.map((p) =>
        p.role === 'device' && p.person === body.person && p.status === 'active'
          ? { ...p, status: 'removed' as const, removedSeq: seq }
          : p,
      );
      const persons = next.persons.slice();
      persons[body.person] = { ...person, removedSeq: seq };
      return { ok: true, state: { ...next, principals, persons } };
    }
    case 'link-create': {
      const linkId = toHex(body.linkId);
      const scope = body.scope.map(toHex);
      if (state.linkIds.has(linkId) || !scopeable(state, scope)) return fail('member_bad_target');
      const keys = freshKeys(state, body.linkAuthPk, body.linkBoxPk);
      if (keys === null) return fail('member_bad_target');
      const share: Share = {
        linkId: body.linkId,
        linkAuthPk: body.linkAuthPk,
        linkBoxPk: body.linkBoxPk,
        expiresS: body.expiresS,
        maxUses: body.maxUses,
        maxPasscodeFailures: body.maxPasscodeFailures,
        verifier: body.verifier,
        deposit: body.deposit,
        scope: new Set(scope),
        bound: false,
      };
      const p = newPrincipal(state, seq, {
        role: 'link',
        person: null,
        sigPk: body.linkAuthPk,
        boxPk: body.linkBoxPk,
        share,
      });
      const linkIds = new Map(state.linkIds).set(linkId, p.index);
      return {
        ok: true,
        state: { ...state, principals: [...state.principals, p], linkIds, namedKeys: addKeys(state, keys) },
      };
    }
    case 'link-claim': {
      const link = activeShare(state, body.linkIndex);
      if (link === null || link.share.bound) return fail('member_bad_target');
      const keys = freshKeys(state, body.proSigPk, body.proBoxPk);
      if (keys === null) return fail('member_bad_target');
      const bound: Principal = {
        ...link,
        role: 'professional',
        sigPk: body.proSigPk,
        boxPk: body.proBoxPk,
        share: { ...link.share, bound: true },
      };
      return { ok: true, state: { ...state, principals: replace(state, bound), namedKeys: addKeys(state, keys) } };
    }
    case 'share-update': {
      const s = activeShare(state, body.index);
      if (s === null) return fail('member_bad_target');
      const share = { ...s.share, expiresS: body.expiresS, maxUses: body.maxUses };
      return { ok: true, state: { ...state, principals: replace(state, { ...s, share }) } };
    }
    case 'revoke': {
      const s = activeShare(state, body.index);
      if (s === null) return fail('member_bad_target');
      const next = rotate(state, seq, body.newEpoch);
      if (next === null) return fail('member_bad_epoch');
      return { ok: true, state: { ...next, principals: replace(next, { ...s, status: 'revoked', removedSeq: seq }) } };
    }
    case 'scope-extend':
    case 'scope-reduce': {
      const s = activeShare(state, body.index);
      const ids = body.records.map(toHex);
      if (s === null || ids.length === 0) return fail('member_bad_target');
      const extend = body.kind === 'scope-extend';
      // Extend adds only ids not yet in scope; reduce removes only ids that are (§10.3).
      if (ids.some((id) => s.share.scope.has(id) === extend)) return fail('member_bad_target');
      if (extend && !scopeable(state, ids)) return fail('member_bad_target');
      const scope = new Set(s.share.scope);
      for (const id of ids) {
        if (extend) scope.add(id);
        else scope.delete(id);
      }
      return { ok: true, state: { ...state, principals: replace(state, { ...s, share: { ...s.share, scope } }) } };
    }
    case 'deposit-right': {
      const s = activeShare(state, body.index);
      if (s === null) return fail('member_bad_target');
      return {
        ok: true,
        state: { ...state, principals: replace(state, { ...s, share: { ...s.share, deposit: body.allowed } }) },
      };
    }
    case 'close': {
      if (state.closed) return fail('member_bad_target');
      const next = rotate(state, seq, body.newEpoch);
      return next === null ? fail('member_bad_epoch') : { ok: true, state: { ...next, closed: true } };
    }
    case 'reopen':
      return state.closed ? { ok: true, state: { ...state, closed: false } } : fail('member_bad_target');
    case 'rotate': {
      const next = rotate(state, seq, body.newEpoch);
      return next === null ? fail('member_bad_epoch') : { ok: true, state: next };
    }
    case 'record-delete': {
      const ids = body.records.map(toHex);
      if (ids.length === 0 || !scopeable(state, ids)) return fail('member_bad_target');
      const deletedRecords = new Set(state.deletedRecords);
      for (const id of ids) deletedRecords.add(id);
      // A deleted record leaves every scope: no keybox may list it again.
      const principals = state.principals.map((p) =>
        p.share !== null && ids.some((id) => p.share?.scope.has(id))
          ? { ...p, share: { ...p.share, scope: new Set([...p.share.scope].filter((id) => !deletedRecords.has(id))) } }
          : p,
      );
      return { ok: true, state: { ...state, deletedRecords, principals } };
    }
    case 'recovery-replace': {
      const keys = freshKeys(state, body.sigPk, body.boxPk);
      if (keys === null) return fail('member_bad_target');
      const next = rotate(state, seq, body.newEpoch);
      if (next === null) return fail('member_bad_epoch');
      const old = next.principals[next.recoveryIndex];
      const retired =
        old === undefined ? next.principals : replace(next, { ...old, status: 'retired', removedSeq: seq });
      const p = newPrincipal(next, seq, {
        role: 'recovery',
        person: null,
        sigPk: body.sigPk,
        boxPk: body.boxPk,
        share: null,
      });
      return {
        ok: true,
        state: { ...next, principals: [...retired, p], recoveryIndex: p.index, namedKeys: addKeys(next, keys) },
      };
    }
    case 'relay-repin': {
      const relay = state.principals[0];
      if (relay === undefined) return fail('member_bad_target');
      const relays = [...state.relays, { fromSeq: seq, origin: body.relayOrigin, pk: body.relayPk }];
      return { ok: true, state: { ...state, relays, principals: replace(state, { ...relay, sigPk: body.relayPk }) } };
    }
  }
}

/** Step 7 and the new state, head included. `hash` is `h_seq` of the entry. */
export function applyEntry(state: MembershipState, entry: MemberEntry, hash: Uint8Array): ApplyResult {
  const result = applyKind(state, entry);
  if (!result.ok) return result;
  // A rotating kind that returned without rotating would be a bug here, not an attacker's doing.
  if (ROTATING_KINDS.has(entry.body.kind) && result.state.epochStartSeq !== entry.seq) return fail('member_bad_epoch');
  const head: MemberHead = { seq: entry.seq, hash };
  return { ok: true, state: { ...result.state, head } };
}
