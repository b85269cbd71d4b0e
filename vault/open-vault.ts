// Assembles an unlocked vault: the records model, the encrypted store behind it, attachments, settings, the
// tab link and the auto-lock. Locking wipes every key, drops every document and closes the database; the app
// then reloads into a fresh page (docs/PROTOCOL.md §18.5), since JavaScript cannot wipe copies it did not make.
import * as v from 'valibot';
import { toReadableStream } from '#crypto';
import { writeBackup } from './backup/write-backup.ts';
import { createRecordsModel } from './records/create-records-model.ts';
import { SHARD_CAPACITY } from './records/shard-ids.ts';
import type { Clock, Random } from './records/ports.ts';
import { isVaultError, VaultError } from './records/vault-error.ts';
import { createBackgroundLoad } from './session/background-load.ts';
import type { VaultKeys } from './session/vault-keys.ts';
import type { CompactionPolicy } from './store/compaction-policy.ts';
import { createRecordStore } from './store/record-store.ts';
import type { AttachmentStoreContext } from './store/attachment-store-context.ts';
import { createRowSealer, jsonBytes, parseJsonBytes } from './store/row-sealer.ts';
import { storeError } from './store/store-fault.ts';
import type { VaultDb } from './store/vault-db.ts';
import { createIdleTimer } from './tabs/idle-timer.ts';
import { createTabLink } from './tabs/tab-link.ts';
import type { StorageInfo, StoreProblem, Vault, VaultAttachments, VaultSettings } from './vault-api.ts';

const Settings = v.strictObject({
  autoLockMinutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(240)),
  lastBackupAt: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export const DEFAULT_SETTINGS: VaultSettings = { autoLockMinutes: 5 };

export interface OpenVaultOptions {
  db: VaultDb;
  keys: VaultKeys;
  clock: Clock;
  random: Random;
  attachments: (context: AttachmentStoreContext) => VaultAttachments & { collectOrphans(): Promise<number> };
  compaction?: Partial<CompactionPolicy>;
  /** Keys per index shard (§7.7): 1,024 unless a test asks for fewer. */
  shardCapacity?: number;
  /** Quiet time before a catalogue page is rewritten (§18.7; default 2 s). */
  catalogueDelayMs?: number;
  /**
   * Background work that failed for a reason other than a damaged row: a storage fault (VaultError
   * `storage_failed`, `quota_exceeded`) while erasing a deleted record or reading other tabs' edits, or a bug.
   * Default: thrown from a timer, so the page's error handler shows it (and a test run fails on it).
   */
  onFault?: (error: unknown) => void;
  /** Where to ask for persistent storage and the estimate (navigator.storage in the browser). */
  storage?: StorageManager | undefined;
  /** What opened this session (a null current passphrase is accepted only after the recovery key). */
  unlockedWith: Vault['unlockedWith'];
  /** The session's passphrase change (it owns the keystore row and the KDF). */
  changePassphrase: Vault['changePassphrase'];
}

export async function openVault(options: OpenVaultOptions): Promise<Vault> {
  const { db, keys, clock, random } = options;
  const records = createRecordsModel({
    clock,
    random,
    author: keys.deviceIndex,
    shards: {
      prefix: keys.shardPrefixHex,
      ...(options.shardCapacity === undefined ? {} : { capacity: options.shardCapacity }),
    },
  });
  const rows = createRowSealer(keys.lsk, keys.vaultId);
  const problems: StoreProblem[] = [];
  const problemListeners = new Set<(p: StoreProblem) => void>();
  const lockListeners = new Set<(reason: 'user' | 'idle' | 'other_tab') => void>();
  const link = createTabLink(keys.vaultIdHex);
  const life = { locked: false };
  const isLocked = (): boolean => life.locked;

  const report = (p: StoreProblem): void => {
    problems.push(p);
    for (const listener of problemListeners) listener(p);
  };
  // After lock the database is closed under any work still running: what fails then is no fault. Erasure also
  // collects orphaned attachments, outside the record store: their storage faults are named here too.
  const fault = (error: unknown): void => {
    if (!isLocked()) (options.onFault ?? throwUncaught)(storeError(error));
  };

  // The load state follows the search index (records other tabs changed are `loading` until reindexed).
  const searchStateRef: { current: () => void } = { current: () => undefined };
  const store = createRecordStore({
    onSearchState: () => {
      searchStateRef.current();
    },
    db,
    keys,
    records,
    rows,
    clock,
    report,
    fault,
    onCommitted: (recordIds) => {
      link.post({ t: 'changed', recordIds: recordIds.slice(0, 1000) });
    },
    ...(options.compaction === undefined ? {} : { compaction: options.compaction }),
    shardCapacity: options.shardCapacity ?? SHARD_CAPACITY,
    ...(options.catalogueDelayMs === undefined ? {} : { catalogueDelayMs: options.catalogueDelayMs }),
    random,
  });
  const stopLocal = records.onLocalUpdate((target, update) => {
    store.enqueue(target, update);
  });
  // A deleted record's rows and attachments are erased once its tombstone is stored (§17.2).
  let erasing: Promise<void> = Promise.resolve();
  const stopErase = records.onChange((change) => {
    if (change.origin !== 'local') return;
    const removed = change.ids.filter((id) => records.removed(id) !== undefined);
    if (removed.length === 0) return;
    erasing = erasing
      .then(async () => {
        for (const id of removed) await store.purge(id);
        if (!isLocked()) await attachmentsRef.current?.collectOrphans();
      })
      .catch(fault);
  });
  const attachmentsRef: { current: ReturnType<OpenVaultOptions['attachments']> | undefined } = { current: undefined };

  let settings = await readSettings();
  const idle = createIdleTimer(settings.autoLockMinutes, () => {
    lock('idle');
  });

  async function readSettings(): Promise<VaultSettings> {
    const row = await db.meta.get('settings');
    if (row === undefined) return DEFAULT_SETTINGS;
    try {
      const parsed = v.safeParse(Settings, parseJsonBytes(rows.open('meta', 'settings', row.bytes)));
      if (parsed.success) return parsed.output;
    } catch (error) {
      if (!isVaultError(error, 'tampered_row') && !(error instanceof SyntaxError) && !(error instanceof TypeError))
        throw error;
    }
    report({ code: 'tampered_row', table: 'meta' });
    return DEFAULT_SETTINGS;
  }

  // A vault made before index shards is rewritten into them first, once (§18.8).
  await store.migrate();
  await store.loadIndex();

  const attachments = (attachmentsRef.current = options.attachments({
    db,
    vaultId: keys.vaultId,
    records,
    sealRow: (table, key, value) => rows.seal(table, key, value),
    openRow: (table, key, bytes) => rows.open(table, key, bytes),
    random,
    report,
    loadRecord: (id) => store.loadRecord(id),
  }));

  // After the overview can show: the persisted search index, read and brought up to date (rebuilt from every
  // record when missing or damaged), so search covers notes and lab values. A failure is the load state's
  // `incomplete`, shown to the patient with a way to retry.
  // Records not loaded here are searched in the persisted index (§18.7).
  records.useSearchSource(store.searchSource);
  const background = createBackgroundLoad({
    loadAll: () => store.prepareSearch(),
    prepareSearch: (count) => records.prepareSearch(count),
    applyNewer: () => store.applyNewer(),
    isLocked,
    searchReady: () => store.searchReady(),
  });
  searchStateRef.current = () => {
    background.republish();
  };
  // Then the chunks nobody will read again. A failure costs space only, nothing the patient could act on, and
  // the next unlock collects them again: it is not worth a notice.
  background.fullyLoaded
    .then(async () => {
      if (!isLocked()) await attachments.collectOrphans();
    })
    .catch(() => undefined);
  // Deletions whose erasure was cut short last time are finished once search is ready, so that their scan does
  // not compete with it for IndexedDB (§17.2). The records stay hidden meanwhile (their tombstones are stored).
  const resumePurges = (): void => {
    erasing = erasing
      .then(async () => {
        if (isLocked()) return;
        for (const id of await store.purgesToResume()) await store.purge(id);
      })
      .catch(fault);
  };
  background.fullyLoaded.then(resumePurges, resumePurges);

  // A newer version of the app opened this database in another tab (§18.5): this tab's connection is closed
  // under it, so it locks rather than failing every save.
  // A deletion of the database (the browser clearing the site's data) closes it as before, without a reload.
  db.on('versionchange', (event) => {
    if (event.newVersion !== null) lock('other_tab');
  });

  const stopLink = link.onMessage((message) => {
    if (message.t === 'lock') lock('other_tab');
    else if (message.t === 'activity') idle.reset();
    else void background.catchUp();
  });

  if (options.storage !== undefined) {
    // Ask once per unlock; browsers grant it to installed apps and remember the answer.
    options.storage.persist().catch(() => undefined);
  }

  let lastActivityPost = 0;

  async function updateSettings(patch: Partial<VaultSettings>): Promise<void> {
    const next = v.parse(Settings, { ...settings, ...patch });
    await db.meta.put({ key: 'settings', bytes: rows.seal('meta', 'settings', jsonBytes(next)) });
    settings = next;
    idle.setMinutes(next.autoLockMinutes);
  }

  function lock(reason: 'user' | 'idle' | 'other_tab'): void {
    if (isLocked()) return;
    life.locked = true;
    if (reason !== 'other_tab') link.post({ t: 'lock' });
    idle.stop();
    stopLink();
    stopLocal();
    stopErase();
    store.close();
    records.destroy();
    keys.wipe();
    db.close();
    link.close();
    for (const listener of lockListeners) listener(reason);
    lockListeners.clear();
  }

  return {
    id: keys.vaultIdHex,
    records,
    async loadRecord(id) {
      if (isLocked()) throw new VaultError('model_destroyed', 'the vault is locked');
      await store.loadRecord(id);
      return records.get(id);
    },
    fullyLoaded: background.fullyLoaded,
    loadState: () => background.state(),
    onLoadState: (listener) => background.onState(listener),
    retryLoad: () => background.retry(),
    saveState: () => store.saveState(),
    onSaveState: (listener) => store.onSaveState(listener),
    async flush() {
      await store.flush();
      await erasing;
    },
    attachments,
    settings: () => settings,
    updateSettings,
    backup(onProgress) {
      if (isLocked()) throw new VaultError('model_destroyed', 'the vault is locked');
      const writtenAt = clock.now();
      return toReadableStream(
        (async function* () {
          // Every edit shown as saved is in the file.
          await store.flush();
          yield* writeBackup({ db, keys, rows, random, now: writtenAt }, onProgress);
          await updateSettings({ lastBackupAt: writtenAt });
        })(),
      );
    },
    async storage(): Promise<StorageInfo> {
      const manager = options.storage;
      if (manager === undefined) return { usage: null, quota: null, persisted: false };
      const [estimate, persisted] = await Promise.all([manager.estimate(), manager.persisted()]);
      return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
    },
    unlockedWith: options.unlockedWith,
    changePassphrase: (current, next, onProgress) => {
      if (isLocked()) return Promise.reject(new VaultError('model_destroyed', 'the vault is locked'));
      return options.changePassphrase(current, next, onProgress);
    },
    // A copy: the list grows in place, and a caller keeping it would never see it change.
    problems: () => [...problems],
    onProblem(listener) {
      problemListeners.add(listener);
      return () => problemListeners.delete(listener);
    },
    activity() {
      if (isLocked()) return;
      idle.reset();
      const now = clock.now();
      if (now - lastActivityPost > 10_000) {
        lastActivityPost = now;
        link.post({ t: 'activity' });
      }
    },
    lock: () => {
      lock('user');
    },
    onLocked(listener) {
      lockListeners.add(listener);
      return () => lockListeners.delete(listener);
    },
  };
}

/** Hands an error to the host's handling of uncaught errors without stopping the caller's work. */
function throwUncaught(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
