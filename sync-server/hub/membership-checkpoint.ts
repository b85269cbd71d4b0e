// The relay's own record of a validated membership state (issue 12): loading a vault reads this instead of
// replaying (and re-verifying) its whole log. It is written in the transaction that appends the entries it
// covers, from the state the validator produced; it never leaves the relay and is not a wire format.
import { indexId, shardPrefix, toHex } from '#crypto';
import type { MembershipState, Principal } from '#protocol';
import type { MembershipCheckpoint, PrincipalKey } from '../store/relay-store.ts';

const FORMAT = 1;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bin = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** Uint8Array -> base64, Set -> { $set }, Map -> { $map }; the inverse below. */
function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b: hex(value) };
  if (value instanceof Set) return { $set: [...(value as Set<unknown>)] };
  if (value instanceof Map) return { $map: [...(value as Map<unknown, unknown>)] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const v = value as { $b?: string; $set?: unknown[]; $map?: [unknown, unknown][] };
  if (typeof v.$b === 'string') return bin(v.$b);
  if (Array.isArray(v.$set)) return new Set(v.$set);
  if (Array.isArray(v.$map)) return new Map(v.$map);
  return value;
}

export function encodeMembershipState(state: MembershipState): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format: FORMAT, state }, replacer));
}

export function decodeMembershipState(bytes: Uint8Array): MembershipState {
  const parsed = JSON.parse(new TextDecoder().decode(bytes), reviver) as { format: number; state: MembershipState };
  if (parsed.format !== FORMAT) throw new Error(`unknown membership checkpoint format ${parsed.format}`);
  // The index family's ids are derived from the vault id, never read back: a checkpoint written before
  // `shardPrefix` existed would otherwise leave the shards unprotected (§10.6 rule 7).
  const { vaultId } = parsed.state;
  return { ...parsed.state, indexId: toHex(indexId(vaultId)), shardPrefix: toHex(shardPrefix(vaultId)) };
}

const keyOf = (p: Principal): PrincipalKey => ({
  index: p.index,
  role: p.role,
  sigPk: p.sigPk,
  active: p.status === 'active',
});

/**
 * The checkpoint after `after`, with the principal rows that differ from `before` (undefined = all of them).
 * States share every unchanged principal object, so comparing references finds the changes in linear time.
 */
export function checkpointOf(after: MembershipState, before: MembershipState | undefined): MembershipCheckpoint {
  const keys = after.principals.filter((p, i) => before?.principals[i] !== p).map(keyOf);
  return { seq: after.head?.seq ?? 0, state: encodeMembershipState(after), keys };
}
