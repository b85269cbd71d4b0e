/**
 * The membership log (docs/PROTOCOL.md §10): entry formats, signing, the hash chain, and the one validator
 * that devices (vault/) and the relay (sync-server/) both run. Pure functions over immutable state; no IO.
 * Call `await ready()` from `#crypto` once before use (signatures and hashes need libsodium).
 *
 * @example
 * import { initialState, signNextEntry, validateEntry, validateLog } from '#protocol';
 *
 * let state = initialState({ vaultId, pinnedRelayPk: relayPk });
 * const bytes = signNextEntry(vaultId, state.head, { signer: 2, time: Date.now(), body: genesisBody }, deviceSk);
 * const result = validateEntry(state, bytes);
 * if (!result.ok) throw new Error(result.code); // 'member_bad_genesis', 'member_no_right', …
 * state = result.state; // head, epoch, principals, shares, closed…
 * const replay = validateLog(initialState({ vaultId, pinnedRelayPk: relayPk }), storedEntries);
 */
export {
  MEMBER_KINDS,
  MEMBER_KIND_NAMES,
  ROTATING_KINDS,
  ROTATE_REASONS,
  MAX_ENTRY_BYTES,
  type MemberKind,
  type MemberBody,
  type BodyOf,
  type MemberEntry,
  type UnsignedEntry,
  type MemberHead,
  type NewEpoch,
  type RotateReason,
} from './member-entry.ts';
export {
  MEMBERSHIP_ERROR_CODES,
  MembershipError,
  isMembershipError,
  type MembershipErrorCode,
} from './membership-error.ts';
export { encodeEntry, encodeUnsignedEntry, encodeBody } from './encode-entry.ts';
export { decodeEntry } from './decode-entry.ts';
export { entryHash, signEntry, signNextEntry, signLinkClaim, linkClaimMessage } from './sign-entry.ts';
export {
  initialState,
  principalAt,
  isActive,
  epochAt,
  relayAt,
  keyringRecipients,
  activeShares,
  type MembershipState,
  type Principal,
  type PrincipalRole,
  type PrincipalStatus,
  type Share,
  type Person,
  type EpochInfo,
  type RelayPin,
} from './membership-state.ts';
export { isIndexFamily } from './index-family.ts';
export { validateEntry, MembershipBatch, type ValidateResult, type BatchStep } from './validate-entry.ts';
export { validateLog, type ValidateLogResult } from './validate-log.ts';
