/**
 * The UI's one list of error codes. Each has a plain-language message in describe-error.ts; people
 * never see the code alone (ux.md principle 7), only as a reference next to the message.
 */
export const APP_ERROR_CODES = [
  'network-offline',
  'relay-unreachable',
  'relay-busy',
  'relay-failed',
  'app-outdated',
  'migration-blocked',
  'too-large',
  'relay-full',
  'relay-closed',
  'sync-conflict',
  'record-closed',
  'link-ended',
  'passcode-wrong',
  'storage-full',
  'storage-unavailable',
  'storage-failed',
  'decrypt-failed',
  'access-denied',
  'not-found',
  'update-failed',
  'relay-setup-failed',
  'passphrase-wrong',
  'recovery-key-wrong',
  'recovery-key-mistyped',
  'passphrase-weak',
  'vault-not-found',
  'vault-locked',
  'record-not-found',
  'invalid-input',
  'limit-exceeded',
  'data-damaged',
  'load-incomplete',
  'tab-catch-up-failed',
  'attachment-too-large',
  'attachment-type-not-allowed',
  'attachment-corrupt',
  'attachment-unreadable',
  'save-failed',
  'backup-foreign',
  'backup-damaged',
  'backup-wrong-key',
  'backup-vault-exists',
  'unknown',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** An error the UI knows how to explain. `cause` keeps the original for logs and debugging. */
export class AppError extends Error {
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'AppError';
    this.code = code;
  }
}
