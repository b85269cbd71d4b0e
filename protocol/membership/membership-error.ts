/**
 * The membership codes of PROTOCOL.md §21.1 (300–309). They are wire codes: the relay sends the validator's
 * answer as is, and a device shows the same code when the relay hands it a log that does not validate.
 * `missing_wraps` is never produced by the validator (it sees entries, not the wraps of a MEMBER_APPEND);
 * the relay produces it by comparing a frame's wraps with `keyringRecipients(state)`.
 */
export const MEMBERSHIP_ERROR_CODES = [
  'member_bad_encoding',
  'member_replayed',
  'member_broken_chain',
  'member_unknown_principal',
  'member_no_right',
  'member_bad_signature',
  'member_bad_epoch',
  'member_bad_target',
  'member_bad_genesis',
  'missing_wraps',
] as const;

export type MembershipErrorCode = (typeof MEMBERSHIP_ERROR_CODES)[number];

/**
 * Thrown by the decoder and the signing helpers; the validator never throws it but returns its code.
 * `message` names the field that failed and never holds key material.
 */
export class MembershipError extends Error {
  override readonly name = 'MembershipError';
  readonly code: MembershipErrorCode;

  constructor(code: MembershipErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message === undefined ? code : `${code}: ${message}`, options);
    this.code = code;
  }
}

/** True when `e` is a MembershipError, optionally with the given code. */
export function isMembershipError(e: unknown, code?: MembershipErrorCode): e is MembershipError {
  return e instanceof MembershipError && (code === undefined || e.code === code);
}
