// PROTOCOL.md §10.3–§10.4 and validator step 7: the kind's semantics (targets in the right state, the next
// epoch, close/reopen alternating, scopes), and the new state. Called only after steps 1–6 passed. It writes
// a MembershipDraft (each collection copied once per draft, so an append of k entries is linear, issue 12)
// and checks everything before its first write: a refused entry leaves the draft as it was.
import { toHex } from '#crypto';
import type { MemberEntry, MemberHead, NewEpoch } from './member-entry.ts';
import { ROTATING_KINDS } from './member-entry.ts';
import type { MembershipErrorCode } from './membership-error.ts';
import { isIndexFamily } from './index-family.ts';
import { MembershipDraft } from './membership-draft.ts';
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

function addKeys(d: MembershipDraft, hex: readonly string[]): void {
  const named = d.namedKeys();
  for (const k of hex) named.add(k);
}

function replace(d: MembershipDraft, p: Principal): void {
  d.principals()[p.index] = p;
}

function activeShare(state: MembershipState, index: number): (Principal & { share: Share }) | null {
  const p = state.principals[index];
  return p !== undefined && p.status === 'active' && p.share !== null ? (p as Principal & { share: Share }) : null;
}

/** Record ids a scope or a deletion may name: not deleted, not the vault index's root or one of its shards. */
function scopeable(state: MembershipState, ids: readonly string[]): boolean {
  return ids.every((id) => !isIndexFamily(state, id) && !state.deletedRecords.has(id));
}

/** Whether a rotating entry's NewEpoch is exactly the next epoch (else `member_bad_epoch`). */
const nextEpoch = (state: MembershipState, e: NewEpoch): boolean => e.epoch === state.epoch + 1;

/** Apply a checked NewEpoch. */
function rotate(d: MembershipDraft, seq: number, e: NewEpoch): void {
  d.set('epoch', e.epoch);
  d.set('epochStartSeq', seq);
  d.epochs().push({ epoch: e.epoch, startSeq: seq, commitment: e.commitment, inboxPk: e.inboxPk });
}

function newPrincipal(
  state: MembershipState,
  seq: number,
  fields: Pick<Principal, 'role' | 'person' | 'sigPk' | 'boxPk' | 'share'>,
): Principal {
  return { index: state.principals.length, status: 'active', addedSeq: seq, removedSeq: null, ...fields };
}

/** Semantics and state transition of every kind but genesis (see `applyGenesis`); null when applied. */
function applyKind(d: MembershipDraft, entry: MemberEntry): MembershipErrorCode | null {
  const state = d.state;
  const { seq, body } = entry;
  switch (body.kind) {
    case 'genesis':
      return 'member_no_right'; // unreachable: rights refuse a genesis after seq 0
    case 'device-add': {
      const person = state.persons[body.person];
      if (person === undefined || person.removedSeq !== null) return 'member_bad_target';
      const keys = freshKeys(state, body.sigPk, body.boxPk);
      if (keys === null) return 'member_bad_target';
      const p = newPrincipal(state, seq, {
        role: 'device',
        person: body.person,
        sigPk: body.sigPk,
        boxPk: body.boxPk,
        share: null,
      });
      d.principals().push(p);
      addKeys(d, keys);
      return null;
    }
    case 'device-remove': {
      const target = state.principals[body.index];
      if (target?.role !== 'device' || target.status !== 'active') return 'member_bad_target';
      if (!nextEpoch(state, body.newEpoch)) return 'member_bad_epoch';
      rotate(d, seq, body.newEpoch);
      replace(d, { ...target, status: 'removed', removedSeq: seq });
      return null;
    }
    case 'assistant-add': {
      const keys = freshKeys(state, body.sigPk, body.boxPk);
      if (keys === null) return 'member_bad_target';
      const person = state.persons.length;
      const p = newPrincipal(state, seq, { role: 'device', person, sigPk: body.sigPk, boxPk: body.boxPk, share: null });
      d.persons().push({ person, addedSeq: seq, removedSeq: null });
      d.principals().push(p);
      addKeys(d, keys);
      return null;
    }
    case 'assistant-remove': {
      const person = state.persons[body.person];
      // Person 0 is the patient: no assistant-remove can take the vault from its owner.
      if (body.person === 0 || person === undefined || person.removedSeq !== null) return 'member_bad_target';
      if (!nextEpoch(state, body.newEpoch)) return 'member_bad_epoch';
      rotate(d, seq, body.newEpoch);
      const principals = d.principals();
      principals.forEach((p, i) => {
        if (p.role === 'device' && p.person === body.person && p.status === 'active') {
          principals[i] = { ...p, status: 'removed', removedSeq: seq };
        }
      });
      d.persons()[body.person] = { ...person, removedSeq: seq };
      return null;
    }
    case 'link-create': {
      const linkId = toHex(body.linkId);
      const scope = body.scope.map(toHex);
      if (state.linkIds.has(linkId) || !scopeable(state, scope)) return 'member_bad_target';
      const keys = freshKeys(state, body.linkAuthPk, body.linkBoxPk);
      if (keys === null) return 'member_bad_target';
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
      d.principals().push(p);
      d.linkIds().set(linkId, p.index);
      addKeys(d, keys);
      return null;
    }
    case 'link-claim': {
      const link = activeShare(state, body.linkIndex);
      if (link === null || link.share.bound) return 'member_bad_target';
      const keys = freshKeys(state, body.proSigPk, body.proBoxPk);
      if (keys === null) return 'member_bad_target';
      replace(d, {
        ...link,
        role: 'professional',
        sigPk: body.proSigPk,
        boxPk: body.proBoxPk,
        share: { ...link.share, bound: true },
      });
      addKeys(d, keys);
      return null;
    }
    case 'share-update': {
      const s = activeShare(state, body.index);
      if (s === null) return 'member_bad_target';
      replace(d, { ...s, share: { ...s.share, expiresS: body.expiresS, maxUses: body.maxUses } });
      return null;
    }
    case 'revoke': {
      const s = activeShare(state, body.index);
      if (s === null) return 'member_bad_target';
      if (!nextEpoch(state, body.newEpoch)) return 'member_bad_epoch';
      rotate(d, seq, body.newEpoch);
      replace(d, { ...s, status: 'revoked', removedSeq: seq });
      return null;
    }
    case 'scope-extend':
    case 'scope-reduce': {
      const s = activeShare(state, body.index);
      const ids = body.records.map(toHex);
      if (s === null || ids.length === 0) return 'member_bad_target';
      const extend = body.kind === 'scope-extend';
      // Extend adds only ids not yet in scope; reduce removes only ids that are (§10.3).
      if (ids.some((id) => s.share.scope.has(id) === extend)) return 'member_bad_target';
      // A family id is refused on reduce too: no scope can hold one, and the answer should not depend on that.
      if (ids.some((id) => isIndexFamily(state, id))) return 'member_bad_target';
      if (extend && !scopeable(state, ids)) return 'member_bad_target';
      const scope = new Set(s.share.scope);
      for (const id of ids) {
        if (extend) scope.add(id);
        else scope.delete(id);
      }
      replace(d, { ...s, share: { ...s.share, scope } });
      return null;
    }
    case 'deposit-right': {
      const s = activeShare(state, body.index);
      if (s === null) return 'member_bad_target';
      replace(d, { ...s, share: { ...s.share, deposit: body.allowed } });
      return null;
    }
    case 'close': {
      if (state.closed) return 'member_bad_target';
      if (!nextEpoch(state, body.newEpoch)) return 'member_bad_epoch';
      rotate(d, seq, body.newEpoch);
      d.set('closed', true);
      return null;
    }
    case 'reopen':
      if (!state.closed) return 'member_bad_target';
      d.set('closed', false);
      return null;
    case 'rotate': {
      if (!nextEpoch(state, body.newEpoch)) return 'member_bad_epoch';
      rotate(d, seq, body.newEpoch);
      return null;
    }
    case 'record-delete': {
      const ids = body.records.map(toHex);
      if (ids.length === 0 || !scopeable(state, ids)) return 'member_bad_target';
      const deleted = d.deletedRecords();
      for (const id of ids) deleted.add(id);
      // A deleted record leaves every scope: no keybox may list it again.
      const principals = d.principals();
      principals.forEach((p, i) => {
        if (p.share !== null && ids.some((id) => p.share?.scope.has(id))) {
          const scope = new Set([...p.share.scope].filter((id) => !deleted.has(id)));
          principals[i] = { ...p, share: { ...p.share, scope } };
        }
      });
      return null;
    }
    case 'recovery-replace': {
      const keys = freshKeys(state, body.sigPk, body.boxPk);
      if (keys === null) return 'member_bad_target';
      if (!nextEpoch(state, body.newEpoch)) return 'member_bad_epoch';
      rotate(d, seq, body.newEpoch);
      const old = state.principals[state.recoveryIndex];
      if (old !== undefined) replace(d, { ...old, status: 'retired', removedSeq: seq });
      const p = newPrincipal(d.state, seq, {
        role: 'recovery',
        person: null,
        sigPk: body.sigPk,
        boxPk: body.boxPk,
        share: null,
      });
      d.principals().push(p);
      d.set('recoveryIndex', p.index);
      addKeys(d, keys);
      return null;
    }
    case 'relay-repin': {
      const relay = state.principals[0];
      if (relay === undefined) return 'member_bad_target';
      d.relays().push({ fromSeq: seq, origin: body.relayOrigin, pk: body.relayPk });
      replace(d, { ...relay, sigPk: body.relayPk });
      return null;
    }
  }
}

/**
 * Step 7 and the new head, written into `d`; null when applied, the code (and `d` untouched) when refused.
 * `hash` is `h_seq` of the entry.
 */
export function applyEntryTo(d: MembershipDraft, entry: MemberEntry, hash: Uint8Array): MembershipErrorCode | null {
  const refused = applyKind(d, entry);
  if (refused !== null) return refused;
  // A rotating kind that returned without rotating would be a bug here, never an attacker's doing.
  if (ROTATING_KINDS.has(entry.body.kind) && d.state.epochStartSeq !== entry.seq) {
    throw new Error(`applyEntry: ${entry.body.kind} did not rotate`);
  }
  const head: MemberHead = { seq: entry.seq, hash };
  d.set('head', head);
  return null;
}

/** Step 7 and the new state, head included (pure: `state` is never written). `hash` is `h_seq` of the entry. */
export function applyEntry(state: MembershipState, entry: MemberEntry, hash: Uint8Array): ApplyResult {
  const d = new MembershipDraft(state);
  const refused = applyEntryTo(d, entry, hash);
  return refused === null ? { ok: true, state: d.freeze() } : fail(refused);
}
