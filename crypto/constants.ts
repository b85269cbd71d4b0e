// PROTOCOL.md §22: version and type bytes, domains, limits. One place, so a typo cannot split a domain.

export const VERSION = 0x01;

/** Object type bytes (§22.1). */
export const TYPE = {
  update: 0x01,
  snapshot: 0x02,
  deposit: 0x03,
  depositKey: 0x04,
  keyringWrap: 0x08,
  keybox: 0x09,
  provision: 0x0a,
  member: 0x10,
  access: 0x11,
  blob: 0x20,
  keystore: 0x30,
  local: 0x31,
  derived: 0x32,
  backup: 0x40,
} as const;

/** Signature domains (§22.2). */
export type SignDomain =
  | 'carnet/v1/update'
  | 'carnet/v1/snapshot'
  | 'carnet/v1/deposit'
  | 'carnet/v1/deposit-key'
  | 'carnet/v1/keyring-wrap'
  | 'carnet/v1/keybox'
  | 'carnet/v1/member'
  | 'carnet/v1/link-claim'
  | 'carnet/v1/link-hello'
  | 'carnet/v1/auth'
  | 'carnet/v1/relay-hello'
  | 'carnet/v1/access-witness'
  | 'carnet/v1/access-submit';

/** AEAD associated-data domains (§22.3). */
export type AdDomain =
  | 'carnet/v1/ad/update'
  | 'carnet/v1/ad/snapshot'
  | 'carnet/v1/ad/deposit'
  | 'carnet/v1/ad/presence'
  | 'carnet/v1/ad/attachment'
  | 'carnet/v1/ad/keystore'
  | 'carnet/v1/ad/keystore-pass'
  | 'carnet/v1/ad/local'
  | 'carnet/v1/ad/derived'
  | 'carnet/v1/ad/backup';

/** Seal purposes (§22.4). */
export type SealPurpose =
  | 'carnet/v1/seal/keyring'
  | 'carnet/v1/seal/keybox'
  | 'carnet/v1/seal/deposit-key'
  | 'carnet/v1/seal/provision'
  | 'carnet/v1/seal/access'
  | 'carnet/v1/seal/keystore-recovery'
  | 'carnet/v1/seal/backup';

/** Hash and MAC domains (§22.5). */
export type HashDomain =
  | 'carnet/v1/key-commit'
  | 'carnet/v1/epoch-commit'
  | 'carnet/v1/record-key'
  | 'carnet/v1/member-hash'
  | 'carnet/v1/access-hash'
  | 'carnet/v1/fingerprint'
  | 'carnet/v1/index-id'
  | 'carnet/v1/index-shard'
  | 'carnet/v1/blob-id'
  | 'carnet/v1/link-check'
  | 'carnet/v1/link-passcode'
  | 'carnet/v1/keybox-mac'
  | 'carnet/v1/provision'
  | 'carnet/v1/recovery-check';

/** KDF contexts (§4.3), all exactly 8 bytes. */
export type KdfContext =
  | 'CNrcvsig'
  | 'CNrcvbox'
  | 'CNlocal_'
  | 'CNderivd'
  | 'CNindex_'
  | 'CNinbox_'
  | 'CNpresnc'
  | 'CNlnkid_'
  | 'CNlnkkey'
  | 'CNlnkpcv'
  | 'CNlnkaut'
  | 'CNlnkmac'
  | 'CNpairid'
  | 'CNpairmc';

/** Limits (§22.6), in bytes. */
export const LIMITS = {
  relayOrigin: 255,
  patientName: 128,
  title: 512,
  name: 256,
  identity: 256,
  reason: 1000,
  presence: 4096,
  envelope: 512 * 1024,
  /** Snapshots may be larger: the index of a 10,000-record vault deflates to ~700 KiB (its record ids and roots
   * are random, so they do not compress), and a snapshot body inflates to at most `yjs` anyway. */
  snapshotEnvelope: 4 * 1024 * 1024,
  yjs: 4 * 1024 * 1024,
  frame: 1024 * 1024,
} as const;

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;
export const ID_BYTES = 16;
