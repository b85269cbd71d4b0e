// PROTOCOL.md §10.5 and validator steps 4–5: does the signer exist, does every index the body names exist,
// and may this signer write this kind of entry about this target? Signatures are checked after (step 6):
// rights need only public state, and refusing early keeps unauthenticated garbage cheap.
import type { MemberBody, MemberEntry } from './member-entry.ts';
import type { MembershipErrorCode } from './membership-error.ts';
import type { MembershipState, Principal } from './membership-state.ts';

/** What a signer is, for the rights table. */
type SignerClass =
  | { readonly as: 'patient' }
  | { readonly as: 'assistant'; readonly person: number }
  | { readonly as: 'recovery' }
  | { readonly as: 'link' }
  | { readonly as: 'none' };

function classify(state: MembershipState, p: Principal): SignerClass {
  // A removed, revoked or retired principal has no right at all (§10.5).
  if (p.status !== 'active') return { as: 'none' };
  switch (p.role) {
    case 'device':
      return p.person === 0 ? { as: 'patient' } : { as: 'assistant', person: p.person ?? -1 };
    case 'recovery':
      return p.index === state.recoveryIndex ? { as: 'recovery' } : { as: 'none' };
    case 'link':
      return { as: 'link' };
    case 'relay': // signs access-log witnesses, never membership entries
    case 'professional': // its only entry was the claim that bound it
      return { as: 'none' };
  }
}

/** The membership index a body is about, if any (step 4 checks it exists). */
function targetIndex(body: MemberBody): number | undefined {
  switch (body.kind) {
    case 'device-remove':
    case 'share-update':
    case 'revoke':
    case 'scope-extend':
    case 'deposit-right':
    case 'scope-reduce':
      return body.index;
    case 'link-claim':
      return body.linkIndex;
    default:
      return undefined;
  }
}

function allowed(state: MembershipState, signer: SignerClass, entry: MemberEntry): boolean {
  const { body } = entry;
  const member = signer.as === 'patient' || signer.as === 'assistant';
  switch (body.kind) {
    case 'genesis':
      return false; // only at seq 0 on an empty state, handled before rights
    case 'device-add':
      if (body.person === 0) return signer.as === 'patient' || signer.as === 'recovery';
      // An assistant admits devices of its own person only; never a patient device (decision 10).
      return signer.as === 'patient' || (signer.as === 'assistant' && signer.person === body.person);
    case 'device-remove': {
      const target = state.principals[body.index];
      const patientDevice = target?.role === 'device' && target.person === 0;
      // Only the patient removes a patient device (decision 10); either may remove an assistant's device.
      return patientDevice ? signer.as === 'patient' : member;
    }
    case 'assistant-add':
    case 'assistant-remove':
    case 'link-create':
    case 'share-update':
    case 'revoke':
    case 'scope-extend':
    case 'deposit-right':
    case 'scope-reduce':
    case 'close':
    case 'reopen':
    case 'rotate':
    case 'record-delete':
      return member;
    case 'link-claim':
      // The claimant signs as the link it claims, only while the vault is open (§10.5, §17.1).
      return signer.as === 'link' && body.linkIndex === entry.signer && !state.closed;
    case 'recovery-replace':
    case 'relay-repin':
      return signer.as === 'patient';
  }
}

/**
 * Steps 4 and 5 of the validator for an entry after genesis: `member_unknown_principal` when the signer or
 * the target index does not exist, `member_no_right` when the signer is not active or not allowed.
 */
export function checkRights(state: MembershipState, entry: MemberEntry): MembershipErrorCode | null {
  const signer = state.principals[entry.signer];
  if (signer === undefined) return 'member_unknown_principal';
  const target = targetIndex(entry.body);
  if (target !== undefined && state.principals[target] === undefined) return 'member_unknown_principal';
  return allowed(state, classify(state, signer), entry) ? null : 'member_no_right';
}
