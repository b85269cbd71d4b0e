import type { RecoveryKeyMistake } from '#crypto';

/** What the person got wrong, for words that point at it (only `recovery_key_mistyped` carries one). */
export type VaultErrorDetail = RecoveryKeyMistake;

/**
 * Every error the vault facade throws. The UI switches on `code` (one place turns codes into words for
 * people); `cause` keeps the underlying error or the validation issues for logs, never key material.
 */
export const VAULT_ERROR_CODES = [
  /** No live record with this id in the model. */
  'record_not_found',
  /** The record was deleted; its content is gone. */
  'record_deleted',
  /** A value passed in by the caller failed validation (wrong shape, too long, unknown category). */
  'invalid_input',
  /** A document decoded from stored or received updates holds content of the wrong shape. */
  'invalid_doc',
  /** Bytes handed to applyUpdate are not a Yjs update. */
  'invalid_update',
  /** An observation or attachment id that the record does not hold. */
  'item_not_found',
  /** A per-record limit (observations, attachments, tags) would be exceeded. */
  'limit_exceeded',
  /** The model was destroyed (the vault locked); it holds no data any more. */
  'model_destroyed',
  /** A file over the attachment limit (100 MB). Nothing is stored. */
  'attachment_too_large',
  /** A file whose content is not one of the allowed types (PDF, PNG, JPEG, WebP, GIF, SVG, plain text). */
  'attachment_type_not_allowed',
  /** A file that claims an allowed type but cannot be decoded (a truncated PDF, a broken image). */
  'attachment_corrupt',
  /** An attachment whose stored chunks are missing or fail to decrypt. */
  'attachment_unreadable',
  /** The passphrase does not open this vault. Nothing changed. */
  'bad_passphrase',
  /** The recovery key is well formed but not this vault's. Nothing changed. */
  'bad_recovery_key',
  /** The recovery key was mistyped (wrong length, a character that is no symbol, a failed check); `detail` says
   * what and, when it can be told, which group. Nothing changed. */
  'recovery_key_mistyped',
  /** No vault with this id on this device, or its keystore row is unreadable. */
  'vault_not_found',
  /** A row read back from IndexedDB failed to verify or decrypt; it was reported and not applied. */
  'tampered_row',
  /** Reading every record's content after unlock failed (the browser could not read IndexedDB): search is
   * incomplete until `retryLoad()` succeeds. `cause` holds the browser's error. */
  'load_failed',
  /** Reading what another tab of this vault saved failed: this tab may show older content until `retryLoad()`
   * succeeds. `cause` holds the browser's error. */
  'catch_up_failed',
  /** The browser refused to store more (quota). */
  'quota_exceeded',
  /** IndexedDB failed: a transaction aborted, the database closed (or was deleted or upgraded elsewhere), or the
   * browser's storage broke. The failed step changed nothing; a reload reopens the database. */
  'storage_failed',
  /** A bug: something the vault relies on did not hold (a record without its key). Never a person's mistake or
   * damaged data. */
  'internal',
  /** The passphrase is too weak to protect a health record. */
  'weak_passphrase',
  /** The relay descriptor given at creation is malformed. */
  'invalid_relay',
  /** The file is not a Carnet backup (or of a version this app does not read). Nothing changed. */
  'backup_foreign',
  /** The vault's index predates index shards but a relay already acknowledged it: this build will not rewrite
   * it (PROTOCOL.md §18.8). Nothing changed. */
  'migration_blocked',
  /** The backup is damaged, cut short or altered. Nothing changed. */
  'backup_damaged',
  /** The recovery key does not open this backup (another vault's, or a kit replaced since). Nothing changed. */
  'backup_wrong_key',
  /** This browser already holds the vault the backup is of. Nothing changed. */
  'backup_vault_exists',
] as const;

export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  readonly detail: VaultErrorDetail | undefined;

  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown; detail?: VaultErrorDetail }) {
    super(`${code}: ${message}`, options);
    this.code = code;
    this.detail = options?.detail;
  }
}

/** True when `error` is a VaultError, optionally with the given code. */
export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}
