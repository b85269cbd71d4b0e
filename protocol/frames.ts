import * as v from 'valibot';
import { WIRE_ERROR_CODES } from './error-codes.ts';

/**
 * Handshake frames of the relay skeleton. Later frames (envelopes, membership, blobs) are binary and
 * specified byte by byte in docs/PROTOCOL.md; the handshake stays a small, human-debuggable JSON text frame.
 */
export const HelloFrame = v.strictObject({
  type: v.literal('hello'),
  versions: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(16)),
});
export type HelloFrame = v.InferOutput<typeof HelloFrame>;

export const WelcomeFrame = v.strictObject({
  type: v.literal('welcome'),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrame>;

export const ErrorFrame = v.strictObject({
  type: v.literal('error'),
  code: v.picklist(WIRE_ERROR_CODES),
  message: v.pipe(v.string(), v.maxLength(200)),
});
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;

/** Any frame a client may send to the relay. */
export const ClientFrame = v.variant('type', [HelloFrame]);
export type ClientFrame = v.InferOutput<typeof ClientFrame>;

/** Any frame the relay may send to a client. */
export const RelayFrame = v.variant('type', [WelcomeFrame, ErrorFrame]);
export type RelayFrame = v.InferOutput<typeof RelayFrame>;
