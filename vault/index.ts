/**
 * The client core: the records model over Yjs (this file's facade), and later the encrypted local store
 * (Dexie), sync, sharing and the access log. The UI talks only to these facades and never touches Yjs.
 *
 * @example
 * import { createRecordsModel, systemClock, systemRandom, isVaultError } from '#vault';
 *
 * const records = createRecordsModel({ clock: systemClock, random: systemRandom, author: 2 });
 * const stop = records.onChange(({ ids }) => console.log('changed', ids));
 * const lab = records.create({ category: 'lab-result', title: 'Bilan sanguin', date: '2024-03-05' });
 * records.addObservation(lab.id, { name: 'Hémoglobine', value: '13.2', unit: 'g/dL', low: 12, high: 16 });
 * records.setNote(lab.id, 'À jeun.');
 * records.timeline({ categories: ['lab-result'] }); // [{ month: '2024-03', entries: [...] }]
 * records.search('hemoglob'); // accents and case ignored, prefixes match
 * try {
 *   records.get('00000000000000000000000000000000');
 * } catch (error) {
 *   if (isVaultError(error, 'record_not_found')) console.log('gone');
 * }
 * stop();
 */
export {
  createRecordsModel,
  type RecordsModel,
  type RecordsModelOptions,
  type RecordsChange,
  type NoteEdit,
  type DocTarget,
} from './records/create-records-model.ts';
export {
  RecordData,
  IndexEntry,
  Observation,
  AttachmentMeta,
  Category,
  Level,
  ObservationFlag,
  FlagSource,
  Stamp,
  TrackedField,
  CATEGORIES,
  LEVELS,
  OBSERVATION_FLAGS,
  FLAG_SOURCES,
  TRACKED_FIELDS,
  categoryCode,
} from './records/record-schema.ts';
export {
  RecordInput,
  RecordPatch,
  ObservationInput,
  ObservationPatch,
  AttachmentInput,
} from './records/input-schema.ts';
export { parseDecimal } from './records/parse-decimal.ts';
export { parseRange, type ReferenceRange } from './records/reference-range.ts';
export { deriveFlag, resolveFlag, isAbnormalFlag, type FlagInputs } from './records/derive-flag.ts';
export { groupByMonth, RecordFilter, type TimelineMonth } from './records/timeline.ts';
export {
  VaultError,
  VAULT_ERROR_CODES,
  isVaultError,
  type VaultErrorCode,
  type VaultErrorDetail,
} from './records/vault-error.ts';
export { LIMITS } from './records/limits.ts';
export { systemClock, systemRandom, type Clock, type Random } from './records/ports.ts';
export { createVaultAccess, inThreadKdf, type VaultAccessOptions } from './create-vault-access.ts';
export { readRelayDescriptor } from './session/read-relay-descriptor.ts';
export { RELAY_WELL_KNOWN_PATH } from '#protocol/relay/index';
export { listVaults } from './store/list-vaults.ts';
export type {
  AttachmentInputFile,
  BackupFile,
  KdfPort,
  LoadState,
  Progress,
  ProgressListener,
  RecoveryKit,
  RelayDescriptor,
  SaveState,
  StorageInfo,
  StoreProblem,
  UnlockSecret,
  Vault,
  VaultAccess,
  VaultAttachments,
  VaultSettings,
  VaultSummary,
} from './vault-api.ts';
export { sniffMediaType, SNIFF_BYTES, ATTACHMENT_MEDIA_TYPES } from './attachments/index.ts';
