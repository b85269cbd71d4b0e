/**
 * The one list of wire error codes (docs/PROTOCOL.md, "Error codes").
 * A code is stable once published: clients switch on it, people never see it raw.
 */
export const WIRE_ERROR_CODES = [
  'bad_frame',
  'unknown_frame',
  'unsupported_version',
  'frame_too_large',
  'rate_limited',
  'too_many_connections',
  'internal',
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];
