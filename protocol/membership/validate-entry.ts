// PROTOCOL.md §10.6: the one validator, used by devices and by the relay alike. Pure: bytes and a state in,
// a new state or a code out; it never throws on untrusted bytes.
import { equal, verify } from '#crypto';
import { applyEntryTo } from './apply-entry.ts';
import { applyGenesis, checkGenesis } from './apply-genesis.ts';
import { checkRights } from './check-rights.ts';
import { decodeEntry } from './decode-entry.ts';
import { encodeUnsignedEntry } from './encode-entry.ts';
import type { BodyOf, MemberEntry } from './member-entry.ts';
import { MembershipDraft } from './membership-draft.ts';
import { isMembershipError, type MembershipErrorCode } from './membership-error.ts';
import type { MembershipState } from './membership-state.ts';
import { entryHash, entrySigningMessage, linkClaimMessage } from './sign-entry.ts';

export type ValidateResult =
  | {
      readonly ok: true;
      readonly state: MembershipState;
      readonly entry: MemberEntry;
      /** `h_seq` of the entry, now the state's head hash. */
      readonly hash: Uint8Array;
    }
  | { readonly ok: false; readonly code: MembershipErrorCode };

function entrySignatureValid(state: MembershipState, entry: MemberEntry, signerPk: Uint8Array): boolean {
  // Signed over the session's vault id: an entry copied from another vault fails here (§10.6).
  const message = entrySigningMessage(state.vaultId, encodeUnsignedEntry(entry));
  return verify(signerPk, 'carnet/v1/member', message, entry.signature);
}

type Checked =
  | {
      readonly ok: true;
      readonly entry: MemberEntry;
      readonly hash: Uint8Array;
      readonly genesis: BodyOf<'genesis'> | undefined;
    }
  | { readonly ok: false; readonly code: MembershipErrorCode };

/** Steps 1–6 (everything but the kind's semantics), reading `state` only. */
function checkEntry(state: MembershipState, bytes: Uint8Array): Checked {
  // Step 1: canonical decoding.
  let entry: MemberEntry;
  try {
    entry = decodeEntry(bytes);
  } catch (e) {
    if (isMembershipError(e)) return { ok: false, code: e.code };
    throw e;
  }
  const hash = entryHash(state.vaultId, bytes);

  const head = state.head;
  if (head === null) {
    const genesis = checkGenesis(state, entry);
    if (!genesis.ok) return genesis;
    if (!entrySignatureValid(state, entry, genesis.body.deviceSigPk))
      return { ok: false, code: 'member_bad_signature' };
    return { ok: true, entry, hash, genesis: genesis.body };
  }

  // Steps 2–3: the chain.
  if (entry.seq <= head.seq) return { ok: false, code: 'member_replayed' };
  if (entry.seq !== head.seq + 1 || !equal(entry.prev, head.hash)) return { ok: false, code: 'member_broken_chain' };

  // Steps 4–5: the signer and its rights.
  const denied = checkRights(state, entry);
  if (denied !== null) return { ok: false, code: denied };

  // Step 6: signatures.
  const { body } = entry;
  if (body.kind === 'link-claim') {
    // The professional's new key signs the entry; the link auth key (only link-secret holders have it)
    // countersigns the binding at this position in the log.
    const link = state.principals[body.linkIndex]?.share;
    const linkMessage = linkClaimMessage(state.vaultId, body.linkIndex, body.proSigPk, body.proBoxPk, entry.prev);
    if (
      link === undefined ||
      link === null ||
      !entrySignatureValid(state, entry, body.proSigPk) ||
      !verify(link.linkAuthPk, 'carnet/v1/link-claim', linkMessage, body.linkSig)
    ) {
      return { ok: false, code: 'member_bad_signature' };
    }
  } else {
    const signer = state.principals[entry.signer];
    if (signer === undefined || !entrySignatureValid(state, entry, signer.sigPk)) {
      return { ok: false, code: 'member_bad_signature' };
    }
  }
  return { ok: true, entry, hash, genesis: undefined };
}

export type BatchStep =
  | { readonly ok: true; readonly entry: MemberEntry; readonly hash: Uint8Array }
  | { readonly ok: false; readonly code: MembershipErrorCode };

/**
 * Validates entries one after the other from `state`, each against the state the previous ones produced, in
 * time linear in the state plus the entries (issue 12: one draft for the whole run, each collection copied
 * once). `state` itself is never written. A refused entry changes nothing, so `finish` then answers the state
 * after the last accepted one.
 *
 * @example
 * const batch = new MembershipBatch(vault.membership);
 * for (const bytes of entries) if (!batch.add(bytes).ok) return refuse();
 * vault.membership = batch.finish();
 */
export class MembershipBatch {
  #draft: MembershipDraft;
  #finished = false;

  constructor(state: MembershipState) {
    this.#draft = new MembershipDraft(state);
  }

  /** The state so far, for reads between steps; only valid until the next `add`. */
  get current(): MembershipState {
    return this.#draft.state;
  }

  add(bytes: Uint8Array): BatchStep {
    if (this.#finished) throw new Error('MembershipBatch: add after finish');
    const checked = checkEntry(this.#draft.state, bytes);
    if (!checked.ok) return checked;
    const { entry, hash, genesis } = checked;
    if (genesis !== undefined) {
      this.#draft = new MembershipDraft(applyGenesis(this.#draft.state, genesis, hash));
      return { ok: true, entry, hash };
    }
    const refused = applyEntryTo(this.#draft, entry, hash);
    return refused === null ? { ok: true, entry, hash } : { ok: false, code: refused };
  }

  /** The resulting immutable state; the batch takes no more entries. */
  finish(): MembershipState {
    this.#finished = true;
    return this.#draft.freeze();
  }
}

/**
 * Validate one entry against `state` (§10.6, steps 1–7 in order, first failure wins).
 *
 * @example
 * const result = validateEntry(state, bytes);
 * if (!result.ok) return sendError(result.code); // e.g. 'member_no_right'
 * state = result.state;
 */
export function validateEntry(state: MembershipState, bytes: Uint8Array): ValidateResult {
  const batch = new MembershipBatch(state);
  const step = batch.add(bytes);
  return step.ok ? { ok: true, state: batch.finish(), entry: step.entry, hash: step.hash } : step;
}
