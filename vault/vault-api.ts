/**
 * The one facade the UI uses for an open vault: the records model (in memory, synchronous), the encrypted
 * store behind it (IndexedDB, asynchronous), attachments, settings, storage and the lock. The UI never
 * touches Yjs, Dexie or libsodium; everything it needs is here, typed.
 */
import type { RecordsModel } from './records/create-records-model.ts';
import type { AttachmentMeta, RecordData } from './records/record-schema.ts';
import type { VaultError } from './records/vault-error.ts';

/** A vault this browser holds, as the directory database lists it (no names: nothing readable at rest). */
export interface VaultSummary {
  /** Vault id, 32 lowercase hex characters. */
  readonly id: string;
  readonly relayOrigin: string;
}

/** The relay a new vault pins (from `/.well-known/carnet-relay.json`, docs/PROTOCOL.md §11.1). */
export interface RelayDescriptor {
  readonly origin: string;
  /** The relay's Ed25519 public key, 64 hex characters. */
  readonly publicKeyHex: string;
}

/** Progress of anything that can take over a second: unlock (KDF), loading, attachment writes and reads. */
export interface Progress {
  readonly phase: 'kdf' | 'load' | 'write' | 'read' | 'check';
  /** Units done and total (bytes for attachments, records for loading, 0 of 1 for the KDF). */
  readonly done: number;
  readonly total: number;
}
export type ProgressListener = (progress: Progress) => void;

/** What the patient must keep to recover the vault without the passphrase (docs/PROTOCOL.md §16.2). */
export interface RecoveryKit {
  /** The vault id in groups, as printed on the kit. */
  readonly vaultIdText: string;
  /** The recovery key in groups of base32: typing it back unlocks the vault. */
  readonly recoveryKeyText: string;
  /** What the kit's QR code encodes. */
  readonly qrPayload: string;
  /** Seconds since the epoch. */
  readonly createdAt: number;
}

/** Whether every edit made in this tab is committed to IndexedDB (strict durability). */
export interface SaveState {
  /** Edits not yet committed. The UI shows "Saved on this device" only when this is 0. */
  readonly pending: number;
  /** When the last commit completed (ms since the epoch), or null before the first. */
  readonly lastSavedAt: number | null;
  /** Set when a write failed (quota, a closed database); the edit stays in memory and is retried. */
  readonly error: 'quota_exceeded' | 'write_failed' | null;
}

/**
 * A row read back from IndexedDB that failed to verify or decrypt (`tampered_row`), or opened but holds no
 * Yjs update (`unreadable_row`): reported, never applied. A storage fault or a bug is never one of these.
 */
export interface StoreProblem {
  readonly code: 'tampered_row' | 'unreadable_row';
  readonly table: string;
  /** The record the row belongs to, when the clear columns say so. */
  readonly recordId?: string;
}

/**
 * Whether every record's content is in memory, so search covers notes and lab values, and this tab has what
 * other tabs saved. `incomplete` carries the VaultError (`load_failed` or `catch_up_failed`, with the browser's
 * error as `cause`) until `retryLoad()` succeeds.
 */
export type LoadState =
  | { readonly phase: 'loading' }
  | { readonly phase: 'complete' }
  | { readonly phase: 'incomplete'; readonly error: VaultError };

export interface VaultSettings {
  /** Idle minutes before the vault locks itself (1–240; default 5). */
  readonly autoLockMinutes: number;
  /** When the last backup of this vault was written from this browser (ms since the epoch). */
  readonly lastBackupAt?: number;
}

export interface StorageInfo {
  /** Bytes used by this origin and the quota, from navigator.storage.estimate(); null where unknown. */
  readonly usage: number | null;
  readonly quota: number | null;
  /** Whether the browser granted persistent storage (navigator.storage.persist()). */
  readonly persisted: boolean;
}

/** A backup file as the browser hands it over (a File or Blob). */
export type BackupFile = Pick<AttachmentInputFile, 'size' | 'stream' | 'slice'>;

/** Files a patient may attach, checked by content (magic bytes), not only by name. */
export interface AttachmentInputFile {
  readonly name: string;
  /** The declared media type; the stored one is what the content proves. */
  readonly mediaType: string;
  readonly size: number;
  /** The file's bytes, read as a stream (a File or Blob's `stream()`). */
  stream(): ReadableStream<Uint8Array>;
  /** The first bytes (for the content check) without reading the whole file. */
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface VaultAttachments {
  /**
   * Encrypts and stores a file (up to 100 MB) and adds it to the record once every chunk is committed. Throws
   * VaultError `attachment_too_large`, `attachment_type_not_allowed` or `attachment_corrupt`; nothing is
   * stored then.
   */
  add(recordId: string, file: AttachmentInputFile, onProgress?: ProgressListener): Promise<AttachmentMeta>;
  /** The decrypted bytes as a stream, checked chunk by chunk; the stream errors on a tampered chunk. */
  open(recordId: string, fileId: string, onProgress?: ProgressListener): ReadableStream<Uint8Array>;
  /** Removes the attachment from the record and its chunks from the store. */
  remove(recordId: string, fileId: string): Promise<void>;
}

export interface Vault {
  /** Vault id, 32 lowercase hex characters. */
  readonly id: string;
  /** The records model: create, update, get, list, timeline, search… (vault/records). Writes are saved in the
   * background; watch `saveState`. Content of a record may need `loadRecord` first. */
  readonly records: RecordsModel;
  /** Ensures a record's content is loaded (its snapshot and trailing updates), then returns it. */
  loadRecord(id: string): Promise<RecordData>;
  /**
   * Resolves when every record's content is loaded (full-text search then covers notes and lab values); rejects
   * with `load_failed` when that first load fails. `loadState()` follows the later retries.
   */
  readonly fullyLoaded: Promise<void>;
  /** Where the background load and the catch-up with other tabs stand; the UI says so when `incomplete`. */
  loadState(): LoadState;
  onLoadState(listener: (state: LoadState) => void): () => void;
  /** Reads again whatever failed (the records not loaded, other tabs' rows not seen); resolves when done. */
  retryLoad(): Promise<void>;
  saveState(): SaveState;
  onSaveState(listener: (state: SaveState) => void): () => void;
  /** Resolves when every edit made so far is committed. */
  flush(): Promise<void>;
  readonly attachments: VaultAttachments;
  settings(): VaultSettings;
  updateSettings(patch: Partial<VaultSettings>): Promise<void>;
  storage(): Promise<StorageInfo>;
  /**
   * The whole vault as a backup file (docs/PROTOCOL.md §18.6), produced as it is read: pending edits are saved
   * first, and the file is sealed to the recovery kit. `lastBackupAt` is set once the last byte is read.
   */
  backup(onProgress?: ProgressListener): ReadableStream<Uint8Array>;
  /** What opened this session: the passphrase (or creation), or the recovery key (docs/PROTOCOL.md §16.2). */
  readonly unlockedWith: 'passphrase' | 'recovery_key';
  /**
   * Rewrites the keystore's passphrase part; `bad_passphrase` when `current` is wrong (nothing changes).
   * `current` may be null only in a session the recovery key opened (the person forgot the passphrase);
   * elsewhere null is `bad_passphrase`, so an unlocked device left alone cannot have its passphrase changed.
   */
  changePassphrase(current: string | null, next: string, onProgress?: ProgressListener): Promise<void>;
  /** Rows that failed to verify since unlock. */
  problems(): readonly StoreProblem[];
  onProblem(listener: (problem: StoreProblem) => void): () => void;
  /** The person did something: resets the idle timer (in every tab of this vault). */
  activity(): void;
  /** Locks this vault in every tab: keys wiped, documents dropped, then `onLocked` listeners run. */
  lock(): void;
  /** Called once when the vault locks (here, from another tab, or after the idle time). */
  onLocked(listener: (reason: 'user' | 'idle' | 'other_tab') => void): () => void;
}

/**
 * Unlock secrets: the passphrase, or the recovery key as typed from the kit (PROTOCOL.md §22.8: the `CR1` prefix
 * optional, case, spaces, line breaks and any dash ignored).
 */
export type UnlockSecret = { readonly passphrase: string } | { readonly recoveryKey: string };

/**
 * Derives the key-encryption key with Argon2id (docs/PROTOCOL.md §18.2). The app passes one that runs in a
 * Worker so the page stays responsive; the default runs in the calling thread.
 */
export type KdfPort = (
  passphrase: string,
  salt: Uint8Array,
  params: { readonly opslimit: number; readonly memlimit: number },
) => Promise<Uint8Array>;

/** Entry point: the vaults of this browser, creating one, unlocking one. */
export interface VaultAccess {
  list(): Promise<VaultSummary[]>;
  /**
   * Creates a vault: keys, the genesis membership entry naming this device and the recovery principal, the
   * keystore sealed under the passphrase, an empty index. Returns the open vault and the recovery kit to show
   * once (it is not stored anywhere).
   */
  create(input: {
    passphrase: string;
    relay: RelayDescriptor;
    onProgress?: ProgressListener;
  }): Promise<{ vault: Vault; recoveryKit: RecoveryKit }>;
  /** What a backup file's clear header says (which vault, when); VaultError `backup_foreign` otherwise. */
  inspectBackup(file: BackupFile): Promise<{ vaultId: string; writtenAt: number }>;
  /**
   * Rebuilds a vault from a backup file and the recovery kit, as a new device of that vault with a new
   * passphrase (docs/PROTOCOL.md §18.6); works with the relay unreachable. Throws VaultError `backup_foreign`,
   * `backup_damaged`, `backup_wrong_key`, `backup_vault_exists`, `bad_recovery_key` or `weak_passphrase`;
   * nothing is stored then.
   */
  restore(input: {
    backup: BackupFile;
    recoveryKey: string;
    passphrase: string;
    onProgress?: ProgressListener;
  }): Promise<Vault>;
  /**
   * Throws VaultError `bad_passphrase`, `recovery_key_mistyped` (with `detail`), `bad_recovery_key` or
   * `vault_not_found`; nothing changes then.
   */
  unlock(id: string, secret: UnlockSecret, onProgress?: ProgressListener): Promise<Vault>;
}
