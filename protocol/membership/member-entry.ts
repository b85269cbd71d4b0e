/**
 * The membership entry of PROTOCOL.md §10.1 and its bodies (§10.3), as plain immutable data. Byte strings
 * are copies owned by the entry, never views into a caller's buffer.
 */

/** Kind bytes (§10.3), by name. */
export const MEMBER_KINDS = {
  genesis: 0x01,
  'device-add': 0x02,
  'device-remove': 0x03,
  'assistant-add': 0x04,
  'assistant-remove': 0x05,
  'link-create': 0x06,
  'link-claim': 0x07,
  'share-update': 0x08,
  revoke: 0x09,
  'scope-extend': 0x0a,
  'deposit-right': 0x0b,
  'scope-reduce': 0x0c,
  close: 0x0d,
  reopen: 0x0e,
  rotate: 0x0f,
  'record-delete': 0x10,
  'recovery-replace': 0x11,
  'relay-repin': 0x12,
} as const;

export type MemberKind = keyof typeof MEMBER_KINDS;

/** Kind byte -> name, for the decoder. */
export const MEMBER_KIND_NAMES: ReadonlyMap<number, MemberKind> = new Map(
  (Object.entries(MEMBER_KINDS) as [MemberKind, number][]).map(([name, byte]) => [byte, name]),
);

/** Kinds that carry a NewEpoch block and rotate the vault epoch (§6). Genesis starts epoch 0 instead. */
export const ROTATING_KINDS: ReadonlySet<MemberKind> = new Set<MemberKind>([
  'device-remove',
  'assistant-remove',
  'revoke',
  'close',
  'rotate',
  'recovery-replace',
]);

/** `varint epoch ‖ ec_epoch (32) ‖ inbox_pk_epoch (32)` (§10.1). */
export interface NewEpoch {
  readonly epoch: number;
  /** `ec_E = MAC(S_E, D("carnet/v1/epoch-commit") ‖ vault_id ‖ u32be(E))`, checked by devices that unwrap S_E. */
  readonly commitment: Uint8Array;
  readonly inboxPk: Uint8Array;
}

/** Reasons of a `rotate` entry. */
export const ROTATE_REASONS = { restrict: 1, compromise: 2, scheduled: 3 } as const;
export type RotateReason = (typeof ROTATE_REASONS)[keyof typeof ROTATE_REASONS];

export type MemberBody =
  | {
      readonly kind: 'genesis';
      readonly vaultId: Uint8Array;
      readonly relayOrigin: string;
      readonly relayPk: Uint8Array;
      readonly recoverySigPk: Uint8Array;
      readonly recoveryBoxPk: Uint8Array;
      readonly deviceSigPk: Uint8Array;
      readonly deviceBoxPk: Uint8Array;
      readonly newEpoch: NewEpoch;
    }
  | { readonly kind: 'device-add'; readonly person: number; readonly sigPk: Uint8Array; readonly boxPk: Uint8Array }
  | { readonly kind: 'device-remove'; readonly index: number; readonly newEpoch: NewEpoch }
  | { readonly kind: 'assistant-add'; readonly sigPk: Uint8Array; readonly boxPk: Uint8Array }
  | { readonly kind: 'assistant-remove'; readonly person: number; readonly newEpoch: NewEpoch }
  | {
      readonly kind: 'link-create';
      readonly linkId: Uint8Array;
      readonly linkAuthPk: Uint8Array;
      readonly linkBoxPk: Uint8Array;
      /** Seconds since the epoch; 0 = no expiry. Enforced by the relay's clock, not the validator. */
      readonly expiresS: number;
      /** 0 = unlimited. */
      readonly maxUses: number;
      /** 0 = no passcode; then `verifier` is null, otherwise 32 bytes. */
      readonly maxPasscodeFailures: number;
      readonly verifier: Uint8Array | null;
      readonly deposit: boolean;
      /** Record ids, sorted ascending, unique. */
      readonly scope: readonly Uint8Array[];
    }
  | {
      readonly kind: 'link-claim';
      readonly linkIndex: number;
      readonly proSigPk: Uint8Array;
      readonly proBoxPk: Uint8Array;
      readonly linkSig: Uint8Array;
    }
  | { readonly kind: 'share-update'; readonly index: number; readonly expiresS: number; readonly maxUses: number }
  | { readonly kind: 'revoke'; readonly index: number; readonly newEpoch: NewEpoch }
  | { readonly kind: 'scope-extend'; readonly index: number; readonly records: readonly Uint8Array[] }
  | { readonly kind: 'deposit-right'; readonly index: number; readonly allowed: boolean }
  | { readonly kind: 'scope-reduce'; readonly index: number; readonly records: readonly Uint8Array[] }
  | { readonly kind: 'close'; readonly newEpoch: NewEpoch }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'rotate'; readonly reason: RotateReason; readonly newEpoch: NewEpoch }
  | { readonly kind: 'record-delete'; readonly records: readonly Uint8Array[] }
  | {
      readonly kind: 'recovery-replace';
      readonly sigPk: Uint8Array;
      readonly boxPk: Uint8Array;
      readonly newEpoch: NewEpoch;
    }
  | { readonly kind: 'relay-repin'; readonly relayOrigin: string; readonly relayPk: Uint8Array };

/** The body of one kind, e.g. `BodyOf<'device-add'>`. */
export type BodyOf<K extends MemberKind> = Extract<MemberBody, { kind: K }>;

/** An entry before signing: what `Sign(signer_sk, "carnet/v1/member", vault_id ‖ …)` covers. */
export interface UnsignedEntry {
  /** Genesis = 0; each next entry = previous + 1 (u32). */
  readonly seq: number;
  /** `h_{seq−1}`; 32 zero bytes in genesis. */
  readonly prev: Uint8Array;
  /** Milliseconds since the Unix epoch, the signer's clock; informative only. */
  readonly time: number;
  /** Membership index of the signer. */
  readonly signer: number;
  readonly body: MemberBody;
}

export interface MemberEntry extends UnsignedEntry {
  readonly signature: Uint8Array;
}

/** The head of a log: `(seq, h_seq)` of its last entry. */
export interface MemberHead {
  readonly seq: number;
  readonly hash: Uint8Array;
}

/** The largest accepted entry, the envelope limit of §22.6: an entry must fit in one frame with room to spare. */
export const MAX_ENTRY_BYTES = 512 * 1024;
