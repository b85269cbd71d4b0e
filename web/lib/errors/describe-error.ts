import { isVaultError } from '#vault/light';
import { m } from '$lib/i18n/messages.ts';
import type { AppErrorCode } from './app-error.ts';
import { describeRecoveryKeyMistake } from './describe-recovery-key-mistake.ts';
import { errorCodeOf } from './error-code-of.ts';

/**
 * The message for each code, in the current language: what happened and what to do next. Most read only the
 * code; a mistyped recovery key also says where (the vault error's detail).
 */
const MESSAGES: Record<AppErrorCode, (error: unknown) => string> = {
  'network-offline': () => m.error_network_offline(),
  'relay-unreachable': () => m.error_relay_unreachable(),
  'relay-busy': () => m.error_relay_busy(),
  'relay-failed': () => m.error_relay_failed(),
  'app-outdated': () => m.error_app_outdated(),
  'migration-blocked': () => m.error_migration_blocked(),
  'too-large': () => m.error_too_large(),
  'relay-full': () => m.error_relay_full(),
  'relay-closed': () => m.error_relay_closed(),
  'sync-conflict': () => m.error_sync_conflict(),
  'record-closed': () => m.error_record_closed(),
  'link-ended': () => m.error_link_ended(),
  'passcode-wrong': () => m.error_passcode_wrong(),
  'storage-full': () => m.error_storage_full(),
  'storage-unavailable': () => m.error_storage_unavailable(),
  'storage-failed': () => m.error_storage_failed(),
  'decrypt-failed': () => m.error_decrypt_failed(),
  'access-denied': () => m.error_access_denied(),
  'not-found': () => m.error_not_found(),
  'update-failed': () => m.error_update_failed(),
  'relay-setup-failed': () => m.error_relay_setup_failed(),
  'passphrase-wrong': () => m.error_passphrase_wrong(),
  'recovery-key-wrong': () => m.error_recovery_key_wrong(),
  'recovery-key-mistyped': (error) => describeRecoveryKeyMistake(isVaultError(error) ? error.detail : undefined),
  'passphrase-weak': () => m.error_passphrase_weak(),
  'vault-not-found': () => m.error_vault_not_found(),
  'vault-locked': () => m.error_vault_locked(),
  'record-not-found': () => m.error_record_not_found(),
  'invalid-input': () => m.error_invalid_input(),
  'limit-exceeded': () => m.error_limit_exceeded(),
  'data-damaged': () => m.error_data_damaged(),
  'load-incomplete': () => m.error_load_incomplete(),
  'tab-catch-up-failed': () => m.error_tab_catch_up_failed(),
  'attachment-too-large': () => m.error_attachment_too_large(),
  'attachment-type-not-allowed': () => m.error_attachment_type_not_allowed(),
  'attachment-corrupt': () => m.error_attachment_corrupt(),
  'attachment-unreadable': () => m.error_attachment_unreadable(),
  'save-failed': () => m.error_save_failed(),
  'backup-foreign': () => m.error_backup_foreign(),
  'backup-damaged': () => m.error_backup_damaged(),
  'backup-wrong-key': () => m.error_backup_wrong_key(),
  'backup-vault-exists': () => m.error_backup_vault_exists(),
  unknown: () => m.error_unknown(),
};

export interface ErrorDescription {
  code: AppErrorCode;
  /** Call it to get the message in the language in force at that moment. */
  text: () => string;
}

/**
 * The one place that turns any error into words a person understands.
 *
 * @example
 * const { text } = describeError(new DOMException('full', 'QuotaExceededError'));
 * text(); // "This device is out of space. Free some space, then try again."
 */
export function describeError(error: unknown): ErrorDescription {
  const code = errorCodeOf(error);
  return { code, text: () => MESSAGES[code](error) };
}
