// PROTOCOL.md §10.6: the one validator, used by devices and by the relay alike. Pure: bytes and a state in,
// a new state or a code out; it never throws on untrusted bytes.
import { equal, verify } from '#crypto';
import { applyEntry } from './apply-entry.ts';
import { applyGenesis, checkGenesis } from './apply-genesis.ts';
import { checkRights } from './check-rights.ts';
import { decodeEntry } from './decode-entry.ts';
import { encodeUnsignedEntry } from './encode-entry.ts';
import type { MemberEntry } from './member-entry.ts';
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

/**
 * Validate one entry against `state` (§10.6, steps 1–7 in order, first failure wins).
 *
 * @example
 * const result = validateEntry(state, bytes);
 * if (!result.ok) return sendError(result.code); // e.g. 'member_no_right'
 * state = result.state;
 */
export function validateEntry(state: MembershipState, bytes: Uint8Array): ValidateResult {
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
    return { ok: true, state: applyGenesis(state, genesis.body, hash), entry, hash };
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

  // Step 7: the kind's semantics, and the new state.
  const applied = applyEntry(state, entry, hash);
  return applied.ok ? { ok: true, state: applied.state, entry, hash } : applied;
}
