// PROTOCOL.md §10.4: the state a membership log produces. Immutable: the validator returns a new state and
// shares every unchanged part with the old one, so the relay can validate a candidate append against its
// current state and simply drop the result if the transaction fails.
import { toHex } from '#crypto';
import { shardPrefix } from '#crypto/index-shard';
import { indexId } from '#crypto/record-keys';
import type { MemberHead } from './member-entry.ts';

export type PrincipalRole = 'relay' | 'recovery' | 'device' | 'link' | 'professional';
export type PrincipalStatus = 'active' | 'removed' | 'revoked' | 'retired';

/** The terms of a share (a link, then the professional who claimed it). Record ids are lowercase hex. */
export interface Share {
  readonly linkId: Uint8Array;
  readonly linkAuthPk: Uint8Array;
  readonly linkBoxPk: Uint8Array;
  readonly expiresS: number;
  readonly maxUses: number;
  readonly maxPasscodeFailures: number;
  readonly verifier: Uint8Array | null;
  readonly deposit: boolean;
  readonly scope: ReadonlySet<string>;
  /** True once a `link-claim` bound a professional's keys; the principal's role is then `professional`. */
  readonly bound: boolean;
}

export interface Principal {
  readonly index: number;
  readonly role: PrincipalRole;
  /** Person of a device (0 = the patient, k ≥ 1 = assistant k); null for other roles. */
  readonly person: number | null;
  /** The key that signs for this index now (for a claimed link: the professional's). */
  readonly sigPk: Uint8Array;
  /** Null only for the relay, which has no box key. */
  readonly boxPk: Uint8Array | null;
  readonly status: PrincipalStatus;
  readonly addedSeq: number;
  readonly removedSeq: number | null;
  readonly share: Share | null;
}

export interface Person {
  readonly person: number;
  readonly addedSeq: number;
  /** Seq of the `assistant-remove`; the patient (person 0) is never removed. */
  readonly removedSeq: number | null;
}

export interface EpochInfo {
  readonly epoch: number;
  /** Seq of the entry that started it (genesis for epoch 0). */
  readonly startSeq: number;
  /** `ec_epoch`, which devices compare with the epoch secret they unwrap (§5). */
  readonly commitment: Uint8Array;
  readonly inboxPk: Uint8Array;
}

export interface RelayPin {
  /** First seq from which this origin and key hold (0 for genesis, the `relay-repin` seq after). */
  readonly fromSeq: number;
  readonly origin: string;
  readonly pk: Uint8Array;
}

export interface MembershipState {
  readonly vaultId: Uint8Array;
  /** The relay key a genesis must name, or null when the caller has none to pin (checked elsewhere, §11.1). */
  readonly pinnedRelayPk: Uint8Array | null;
  /** The vault index's record id, `H(D("carnet/v1/index-id") ‖ vault_id)[0..16]` in hex: never in a scope. */
  readonly indexId: string;
  /**
   * The index shard prefix `P = H(D("carnet/v1/index-shard") ‖ vault_id)[0..10]` in hex: a record id starting
   * with it is an index shard, in the index family with `indexId` (see `isIndexFamily`).
   */
  readonly shardPrefix: string;
  /** Null before genesis. */
  readonly head: MemberHead | null;
  readonly epoch: number;
  readonly epochStartSeq: number;
  /** Indexed by epoch number. */
  readonly epochs: readonly EpochInfo[];
  readonly closed: boolean;
  readonly relays: readonly RelayPin[];
  readonly recoveryIndex: number;
  /** Indexed by person number. */
  readonly persons: readonly Person[];
  /** Indexed by membership index; indexes are dense and never reused. */
  readonly principals: readonly Principal[];
  /** Hex record ids deleted by `record-delete`; never again in a scope. */
  readonly deletedRecords: ReadonlySet<string>;
  /** Hex link id -> share index, for the relay's LINK_HELLO; link ids are unique in a vault. */
  readonly linkIds: ReadonlyMap<string, number>;
  /** Hex of every signing and box key ever named for a non-relay principal: a key is admitted once only. */
  readonly namedKeys: ReadonlySet<string>;
}

/**
 * The state before genesis. `vaultId` is the session's (the relay's VAULT_CREATE, a device's provision or
 * recovery kit); `pinnedRelayPk` is the relay key the genesis must name.
 */
export function initialState(options: {
  readonly vaultId: Uint8Array;
  readonly pinnedRelayPk: Uint8Array | null;
}): MembershipState {
  return {
    vaultId: options.vaultId.slice(),
    pinnedRelayPk: options.pinnedRelayPk === null ? null : options.pinnedRelayPk.slice(),
    indexId: toHex(indexId(options.vaultId)),
    shardPrefix: toHex(shardPrefix(options.vaultId)),
    head: null,
    epoch: 0,
    epochStartSeq: 0,
    epochs: [],
    closed: false,
    relays: [],
    recoveryIndex: 1,
    persons: [],
    principals: [],
    deletedRecords: new Set(),
    linkIds: new Map(),
    namedKeys: new Set(),
  };
}

/** The principal at `index`, or undefined. */
export function principalAt(state: MembershipState, index: number): Principal | undefined {
  return state.principals[index];
}

/** True when `index` names an active principal (what the relay checks on every read, write and broadcast). */
export function isActive(state: MembershipState, index: number): boolean {
  return state.principals[index]?.status === 'active';
}

/** The epoch in force at head `seq` (§10.7: an envelope's epoch must equal the epoch at its cited head). */
export function epochAt(state: MembershipState, seq: number): number | undefined {
  if (state.head === null || seq < 0 || seq > state.head.seq) return undefined;
  let found: number | undefined;
  for (const e of state.epochs) if (e.startSeq <= seq) found = e.epoch;
  return found;
}

/** The relay origin and key in force at `seq`. */
export function relayAt(state: MembershipState, seq: number): RelayPin | undefined {
  if (state.head === null || seq < 0 || seq > state.head.seq) return undefined;
  let found: RelayPin | undefined;
  for (const r of state.relays) if (r.fromSeq <= seq) found = r;
  return found;
}

/**
 * Who must receive a keyring wrap with every rotating entry (§6): every active patient and assistant device
 * and the current recovery principal. The relay answers `missing_wraps` when one is absent.
 */
export function keyringRecipients(state: MembershipState): number[] {
  return state.principals
    .filter((p) => p.status === 'active' && (p.role === 'device' || p.index === state.recoveryIndex))
    .map((p) => p.index);
}

/** Active shares (links and bound professionals): each needs a keybox with every rotation except `close`. */
export function activeShares(state: MembershipState): Principal[] {
  return state.principals.filter((p) => p.status === 'active' && p.share !== null);
}
