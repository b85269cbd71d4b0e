/**
 * Carnet's cryptographic core: pure functions over libsodium-wrappers-sumo (no IO, no DOM, no clock), exactly
 * as docs/PROTOCOL.md specifies. It imports nothing else of ours.
 *
 * Pattern: await {@link ready} once (app start-up, or a test's `beforeAll`); after that every function is
 * synchronous and reaches libsodium through the ready-checked accessor `sodium()`, which throws
 * `CryptoError('not_ready')` if `ready()` was never awaited. Randomness comes in as an optional `rng`
 * argument (default `systemRng`) so that tests and vectors are reproducible. Every failure is a
 * {@link CryptoError} with a typed `code` (PROTOCOL.md §21.2) and a `cause`; no message holds a secret.
 *
 * @example
 * ```ts
 * import { ready, kc, kdf, toHex } from '#crypto';
 * await ready();
 * const indexKey = kdf(epochSecret, epoch, 'CNindex_');
 * console.log(toHex(kc(indexKey))); // the key commitment, safe to show
 * ```
 */
export { ready, sodium, systemRng, type Rng, type Sodium } from './sodium.ts';
export { CryptoError, CRYPTO_ERROR_CODES, isCryptoError, type CryptoErrorCode } from './crypto-error.ts';
export * from './constants.ts';
export {
  ByteReader,
  concat,
  domain,
  equal,
  fromHex,
  list,
  toHex,
  u32be,
  u64be,
  U32_MAX,
  U53_MAX,
  utf8,
  varint,
  vbytes,
  vstr,
} from './bytes.ts';
export {
  adWithDomain,
  aeadDecrypt,
  aeadEncrypt,
  boxKeyPair,
  hash,
  hashWithDomain,
  kc,
  kdf,
  mac,
  macWithDomain,
  sign,
  signKeyPair,
  verify,
  wipe,
} from './primitives.ts';
export {
  deviceIdentity,
  fingerprint,
  fingerprintDigits,
  newDeviceSeeds,
  recoveryPrincipal,
  type Identity,
} from './identity.ts';
export {
  epochCommitment,
  inboxKeyPair,
  indexId,
  indexKey,
  localStorageKey,
  presenceKey,
  recordKey,
} from './record-keys.ts';
export { openSeal, seal, SEAL_OVERHEAD } from './seal.ts';
export {
  encodeEnvelopeHeader,
  parseEnvelope,
  type Coverage,
  type EnvelopeHeader,
  type EnvelopeType,
  type ParsedEnvelope,
} from './envelope-header.ts';
export {
  decodeUpdateBody,
  encodeUpdateBody,
  openEnvelope,
  sealDeposit,
  sealSnapshot,
  sealUpdate,
  type EnvelopeContext,
  type EnvelopeSealKeys,
  type OpenedEnvelope,
  type UpdateBody,
} from './envelope.ts';
export {
  decodeSnapshotBody,
  encodeSnapshotBody,
  padme,
  RAW_BODY_MAX,
  type AttributionRow,
  type SnapshotContent,
} from './snapshot-body.ts';
export { type MembershipView } from './signed-seal.ts';
export {
  openKeyringWrap,
  parseKeyringWrapHeader,
  sealKeyringWrap,
  type KeyringWrapHeader,
  type KeyringWrapRecipient,
} from './keyring-wrap.ts';
export { openDepositKey, sealDepositKey, type DepositKeyHeader } from './deposit-key.ts';
export {
  openKeybox,
  sealKeybox,
  type KeyboxBody,
  type KeyboxHeader,
  type KeyboxRecipient,
  type KeyboxRecord,
} from './keybox.ts';
export { openProvision, pairingKeys, sealProvision, type Provision } from './provision.ts';
export {
  checkKdfParams,
  deriveKek,
  KDF_CEILING,
  KDF_DEFAULT,
  KDF_FLOOR,
  KDF_LADDER,
  type KdfParams,
  passphraseBytes,
} from './kdf-params.ts';
export { decodeKeystoreBody, encodeKeystoreBody, type KeystoreBody } from './keystore-body.ts';
export {
  changeKeystorePassphrase,
  changeKeystorePassphraseWithKek,
  createKeystore,
  createKeystoreWithKek,
  resealKeystoreRecovery,
  rewriteKeystoreBody,
  unlockKeystore,
  keystoreKdfInputs,
  unlockKeystoreWithKek,
  unlockKeystoreWithRecoveryKey,
} from './keystore.ts';
export { LOCAL_ROW_OVERHEAD, openLocalRow, sealLocalRow } from './local-row.ts';
export { derivedKey, openDerivedRow, sealDerivedRow, type DerivedRowPlace } from './derived-row.ts';
export {
  isIndexShard,
  parseShardId,
  SHARD_NUMBER_MAX,
  SHARD_PREFIX_BYTES,
  shardId,
  shardPrefix,
} from './index-shard.ts';
export {
  newRecoveryKey,
  parseRecoveryKeyText,
  parseRecoveryQrPayload,
  parseVaultIdText,
  recoveryKeyText,
  recoveryQrPayload,
  vaultIdText,
} from './recovery-kit.ts';
export {
  RECOVERY_KEY_GROUPS,
  RECOVERY_KEY_SYMBOLS,
  RecoveryKeyTextError,
  type RecoveryKeyMistake,
} from './recovery-key-mistake.ts';
export { KeyHolder } from './key-holder.ts';
export {
  BACKUP_CHUNK_BYTES,
  BACKUP_HEADER_BYTES,
  BACKUP_PREFIX_BYTES,
  decryptBackup,
  encryptBackup,
  parseBackupHeader,
  type BackupHeader,
} from './backup-stream.ts';
export { BASE32_ALPHABET, base32Length, decodeBase32, encodeBase32, groupBase32 } from './base32.ts';
export { ChunkReader, toReadableStream, type ByteSource } from './chunk-reader.ts';
export {
  ATTACHMENT_CHUNK_BYTES,
  ATTACHMENT_CHUNK_OVERHEAD,
  ATTACHMENT_PREFIX_BYTES,
  attachmentBlobSize,
  attachmentChunkCount,
  decryptAttachment,
  encryptAttachment,
  type AttachmentContext,
  type EncryptedAttachment,
  BlobHasher,
} from './attachment-stream.ts';
export {
  createLinkSecret,
  deriveLinkId,
  deriveLinkKeys,
  encodeLinkFragment,
  formatLinkCode,
  LINK_CHECK_BYTES,
  LINK_PREFIX,
  LINK_TEXT_CHARS,
  linkChecksum,
  linkUrl,
  parseLink,
  passcodeVerifier,
  wipeLinkKeys,
  type LinkKeys,
} from './link-secret.ts';
