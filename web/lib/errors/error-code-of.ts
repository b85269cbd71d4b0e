import type { WireErrorCode } from '#protocol';
import { isVaultError, type VaultErrorCode } from '#vault/light';
import { RelayUnavailableError } from '../vault/load-relay-descriptor.ts';
import { AppError, type AppErrorCode } from './app-error.ts';

/** What each vault error means for a person (a Record: a new vault code fails the type check here). */
const VAULT_TO_APP: Record<VaultErrorCode, AppErrorCode> = {
  record_not_found: 'record-not-found',
  record_deleted: 'record-not-found',
  item_not_found: 'record-not-found',
  invalid_input: 'invalid-input',
  invalid_doc: 'data-damaged',
  invalid_update: 'data-damaged',
  tampered_row: 'data-damaged',
  load_failed: 'load-incomplete',
  catch_up_failed: 'tab-catch-up-failed',
  limit_exceeded: 'limit-exceeded',
  model_destroyed: 'vault-locked',
  attachment_too_large: 'attachment-too-large',
  attachment_type_not_allowed: 'attachment-type-not-allowed',
  attachment_corrupt: 'attachment-corrupt',
  attachment_unreadable: 'attachment-unreadable',
  bad_passphrase: 'passphrase-wrong',
  bad_recovery_key: 'recovery-key-wrong',
  recovery_key_mistyped: 'recovery-key-mistyped',
  vault_not_found: 'vault-not-found',
  // The browser's quota, not the relay's (the wire code of the same name is checked after this one).
  quota_exceeded: 'storage-full',
  storage_failed: 'storage-failed',
  // A bug: nothing the person did or can fix; the unknown-error words say what is safe and what to do.
  internal: 'unknown',
  weak_passphrase: 'passphrase-weak',
  invalid_relay: 'relay-setup-failed',
  migration_blocked: 'migration-blocked',
  backup_foreign: 'backup-foreign',
  backup_damaged: 'backup-damaged',
  backup_wrong_key: 'backup-wrong-key',
  backup_vault_exists: 'backup-vault-exists',
};

/**
 * What each relay error code means for a person. A Record, so a new wire code fails the type check
 * here until someone decides what to tell people about it.
 */
const WIRE_TO_APP: Record<WireErrorCode, AppErrorCode> = {
  // Our client and the relay disagree about bytes: nothing the person can fix but a reload or a retry.
  bad_frame: 'relay-failed',
  unknown_frame: 'app-outdated',
  unsupported_version: 'app-outdated',
  frame_too_large: 'too-large',
  handshake_required: 'relay-failed',
  not_authenticated: 'relay-failed',
  auth_timeout: 'relay-unreachable',
  auth_failed: 'access-denied',
  auth_expired: 'access-denied',
  unknown_vault: 'not-found',
  vault_exists: 'sync-conflict',
  revoked: 'access-denied',
  vault_creation_refused: 'relay-closed',
  unknown_pairing: 'not-found',
  // A membership change the relay refused: the vault retries after syncing; the person sees a plain failure.
  member_bad_encoding: 'relay-failed',
  member_replayed: 'sync-conflict',
  member_broken_chain: 'sync-conflict',
  member_unknown_principal: 'relay-failed',
  member_no_right: 'access-denied',
  member_bad_signature: 'relay-failed',
  member_bad_epoch: 'sync-conflict',
  member_bad_target: 'relay-failed',
  member_bad_genesis: 'relay-failed',
  missing_wraps: 'relay-failed',
  forbidden: 'access-denied',
  vault_closed: 'record-closed',
  unknown_link: 'link-ended',
  link_expired: 'link-ended',
  link_used_up: 'link-ended',
  link_bad_passcode: 'passcode-wrong',
  link_locked: 'link-ended',
  link_already_claimed: 'link-ended',
  access_entry_required: 'access-denied',
  unknown_record: 'not-found',
  record_deleted: 'not-found',
  unknown_blob: 'not-found',
  wrap_exists: 'relay-failed',
  bad_envelope: 'relay-failed',
  wrong_author: 'relay-failed',
  stale_epoch: 'sync-conflict',
  stale_head: 'sync-conflict',
  bad_sequence: 'sync-conflict',
  stale_base: 'sync-conflict',
  snapshot_not_covering: 'relay-failed',
  record_exists: 'sync-conflict',
  blob_hash_mismatch: 'relay-failed',
  deposit_not_allowed: 'access-denied',
  too_large: 'too-large',
  rate_limited: 'relay-busy',
  too_many_connections: 'relay-busy',
  quota_exceeded: 'relay-full',
  slow_consumer: 'relay-busy',
  too_many_subscriptions: 'relay-busy',
  disk_full: 'relay-busy',
  too_many_entries: 'too-large',
  too_many_principals: 'limit-exceeded',
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
  if (isVaultError(error)) return VAULT_TO_APP[error.code];
  if (error instanceof RelayUnavailableError) return 'relay-setup-failed';
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
