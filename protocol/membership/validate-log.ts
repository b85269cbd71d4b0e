// PROTOCOL.md §10.6: a whole log (or the rest of one) is the validator folded over its entries.
import type { MembershipErrorCode } from './membership-error.ts';
import type { MembershipState } from './membership-state.ts';
import { MembershipBatch } from './validate-entry.ts';

export type ValidateLogResult =
  | { readonly ok: true; readonly state: MembershipState }
  | {
      readonly ok: false;
      readonly code: MembershipErrorCode;
      /** Position in `entries` of the first entry refused. */
      readonly at: number;
      /** The state after the last entry accepted, so a caller can report how far the log was good. */
      readonly state: MembershipState;
    };

/**
 * Validate `entries` in order from `state` (an `initialState` for a log from genesis, or a verified state
 * to continue from). Stops at the first refused entry.
 *
 * @example
 * const result = validateLog(initialState({ vaultId, pinnedRelayPk }), entries);
 * if (result.ok) console.log(result.state.head?.seq, result.state.epoch);
 */
export function validateLog(state: MembershipState, entries: Iterable<Uint8Array>): ValidateLogResult {
  // One batch for the whole log: linear in its length (issue 12), where a fold of validateEntry copied the
  // principal list once per entry.
  const batch = new MembershipBatch(state);
  let at = 0;
  for (const bytes of entries) {
    const result = batch.add(bytes);
    if (!result.ok) return { ok: false, code: result.code, at, state: batch.finish() };
    at += 1;
  }
  return { ok: true, state: batch.finish() };
}
