import * as v from 'valibot';
import { WIRE_ERROR_CODES } from '../error-codes.ts';

/**
 * The handshake and error frames: small JSON text frames, readable when debugging (PROTOCOL.md §11.2).
 * Everything after `welcome` is binary (§12).
 */
const base64url = (bytes: number) =>
  v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/), v.length(Math.ceil((bytes * 4) / 3)));

export const HelloFrame = v.strictObject({
  type: v.literal('hello'),
  versions: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(16)),
  nonce: base64url(32),
  /** The operator's invitation token, for VAULT_CREATE on a relay that creates vaults by invitation (§11.2). */
  invite: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
});
export type HelloFrame = v.InferOutput<typeof HelloFrame>;

export const WelcomeFrame = v.strictObject({
  type: v.literal('welcome'),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  challenge: base64url(32),
  time: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sig: base64url(64),
});
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrame>;

export const ErrorFrame = v.strictObject({
  type: v.literal('error'),
  code: v.picklist(WIRE_ERROR_CODES),
  message: v.pipe(v.string(), v.maxLength(200)),
  rid: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  retryAfterMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  expected: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  remainingAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;

/** Any text frame a client may send to the relay. */
export const ClientTextFrame = v.variant('type', [HelloFrame]);
export type ClientTextFrame = v.InferOutput<typeof ClientTextFrame>;

/** Any text frame the relay may send to a client. */
export const RelayTextFrame = v.variant('type', [WelcomeFrame, ErrorFrame]);
export type RelayTextFrame = v.InferOutput<typeof RelayTextFrame>;
