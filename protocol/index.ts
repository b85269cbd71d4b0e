/**
 * Carnet's wire protocol: frame schemas with their inferred types, wire error codes, the version, and the
 * relay's descriptor with the one rule for a relay origin.
 * Shared by vault/ (the client) and sync-server/ (the relay); docs/PROTOCOL.md is the normative text.
 *
 * @example
 * import { ClientFrame, PROTOCOL_VERSION } from '#protocol';
 * const parsed = v.safeParse(ClientFrame, JSON.parse(text));
 */
export { PROTOCOL_VERSION } from './version.ts';
export { WIRE_ERRORS, WIRE_ERROR_CODES, type WireErrorCode } from './error-codes.ts';
export * from './frames/index.ts';
export * from './membership/index.ts';
export * from './relay/index.ts';
