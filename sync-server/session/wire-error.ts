import type { WireErrorCode } from '#protocol';

/** A refusal the relay answers with an error frame (and, per PROTOCOL.md §21.1, sometimes a close). */
export class WireError extends Error {
  readonly code: WireErrorCode;
  readonly extra: { expected?: number; retryAfterMs?: number; remainingAttempts?: number };

  constructor(code: WireErrorCode, message: string, extra: WireError['extra'] = {}) {
    super(message);
    this.name = 'WireError';
    this.code = code;
    this.extra = extra;
  }
}

export function refuse(code: WireErrorCode, message: string, extra?: WireError['extra']): never {
  throw new WireError(code, message, extra);
}
