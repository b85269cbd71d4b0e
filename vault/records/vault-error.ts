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
] as const;

export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

/** True when `error` is a VaultError, optionally with the given code. */
export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}
