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
  'too-large',
  'relay-full',
  'sync-conflict',
  'record-closed',
  'link-ended',
  'passcode-wrong',
  'storage-full',
  'storage-unavailable',
  'decrypt-failed',
  'access-denied',
  'not-found',
  'update-failed',
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
