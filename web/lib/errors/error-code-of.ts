import type { WireErrorCode } from '#protocol';
import { AppError, type AppErrorCode } from './app-error.ts';

/**
 * What each relay error code means for a person. A Record, so a new wire code fails the type check
 * here until someone decides what to tell people about it.
 */
const WIRE_TO_APP: Record<WireErrorCode, AppErrorCode> = {
  bad_frame: 'relay-failed',
  unknown_frame: 'app-outdated',
  unsupported_version: 'app-outdated',
  frame_too_large: 'too-large',
  handshake_required: 'relay-failed',
  not_authenticated: 'access-denied',
  auth_timeout: 'relay-unreachable',
  auth_failed: 'access-denied',
  auth_expired: 'access-denied',
  unknown_vault: 'not-found',
  vault_exists: 'update-failed',
  revoked: 'access-denied',
  unknown_pairing: 'not-found',
  member_bad_encoding: 'update-failed',
  member_replayed: 'update-failed',
  member_broken_chain: 'update-failed',
  member_unknown_principal: 'update-failed',
  member_no_right: 'access-denied',
  member_bad_signature: 'update-failed',
  member_bad_epoch: 'update-failed',
  member_bad_target: 'update-failed',
  member_bad_genesis: 'update-failed',
  missing_wraps: 'update-failed',
  forbidden: 'access-denied',
  vault_closed: 'access-denied',
  unknown_link: 'not-found',
  link_expired: 'access-denied',
  link_used_up: 'access-denied',
  link_bad_passcode: 'access-denied',
  link_locked: 'access-denied',
  link_already_claimed: 'access-denied',
  access_entry_required: 'access-denied',
  unknown_record: 'not-found',
  record_deleted: 'not-found',
  unknown_blob: 'not-found',
  bad_envelope: 'update-failed',
  wrong_author: 'update-failed',
  stale_epoch: 'update-failed',
  stale_head: 'update-failed',
  bad_sequence: 'update-failed',
  stale_base: 'update-failed',
  snapshot_not_covering: 'update-failed',
  record_exists: 'update-failed',
  blob_hash_mismatch: 'update-failed',
  deposit_not_allowed: 'access-denied',
  too_large: 'too-large',
  rate_limited: 'relay-busy',
  too_many_connections: 'relay-busy',
  quota_exceeded: 'storage-full',
  slow_consumer: 'relay-busy',
  too_many_subscriptions: 'relay-busy',
  internal: 'relay-failed',
  shutting_down: 'relay-unreachable',
};

function isWireErrorCode(value: unknown): value is WireErrorCode {
  return typeof value === 'string' && Object.hasOwn(WIRE_TO_APP, value);
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Classifies anything thrown or rejected (ours, the browser's, the relay's) into an AppErrorCode. */
export function errorCodeOf(error: unknown): AppErrorCode {
  if (error instanceof AppError) return error.code;
  const code = propertyOf(error, 'code');
  if (isWireErrorCode(code)) return WIRE_TO_APP[code];
  if (propertyOf(error, 'status') === 404) return 'not-found';
  if (error instanceof DOMException) {
    if (error.name === 'QuotaExceededError') return 'storage-full';
    if (error.name === 'SecurityError' || error.name === 'InvalidStateError') return 'storage-unavailable';
    if (error.name === 'NetworkError') return navigator.onLine ? 'relay-unreachable' : 'network-offline';
  }
  // fetch() rejects with a TypeError when the network is down or the server cannot be reached.
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return navigator.onLine ? 'relay-unreachable' : 'network-offline';
  }
  const cause = propertyOf(error, 'cause');
  if (cause !== undefined && cause !== error) return errorCodeOf(cause);
  return 'unknown';
}
