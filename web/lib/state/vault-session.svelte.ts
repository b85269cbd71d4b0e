import { listVaults } from '#vault/light';
import type {
  BackupFile,
  LoadState,
  ProgressListener,
  RecoveryKit,
  SaveState,
  StoreProblem,
  UnlockSecret,
  Vault,
  VaultAccess,
  VaultError,
  VaultSummary,
} from '#vault';
import { rememberReturnPath } from '$lib/nav/return-after-unlock.ts';
import { loadRelayDescriptor } from '$lib/vault/load-relay-descriptor.ts';
import { workerKdf } from '$lib/vault/worker-kdf.ts';

/** Loads the vault core (Dexie, Yjs, libsodium) on first use: the first screen needs none of it. */
const loadAccess = (): Promise<VaultAccess> =>
  import('#vault/create-vault-access').then(({ createVaultAccess }) => createVaultAccess({ kdf: workerKdf }));

/** What the session reads the vaults of this browser with, and how it gets the rest of the vault core. */
export interface VaultSessionPorts {
  list(): Promise<VaultSummary[]>;
  access(): Promise<VaultAccess>;
}

/** Where the app stands: finding out, no vault on this device yet, one to unlock, or one open. */
export type SessionStatus = 'starting' | 'new' | 'locked' | 'open';

/** The person's activity resets the idle timer at most this often (each call reaches every tab). */
const ACTIVITY_EVERY_MS = 10_000;

const IDLE_SAVE_STATE: SaveState = { pending: 0, lastSavedAt: null, error: null };

/**
 * The open vault as the UI sees it, with the few facts the screens watch (save state, store problems, a
 * revision that moves on every change of the records). Nothing readable outlives a lock: on lock the page is
 * replaced by a fresh one, so no component, cache or closure keeps a decrypted record.
 */
export class VaultSession {
  status: SessionStatus = $state('starting');
  vault: Vault | null = $state.raw(null);
  /** The vaults this browser holds (the unlock screen picks among them when there are several). */
  vaults: readonly VaultSummary[] = $state.raw([]);
  /** Shown once after creation, until the person says they saved it. */
  recoveryKit: RecoveryKit | null = $state.raw(null);
  /** After an unlock with the recovery key: offer a new passphrase for this device before anything else. */
  passphraseOffer = $state(false);
  saveState: SaveState = $state.raw(IDLE_SAVE_STATE);
  problems: readonly StoreProblem[] = $state.raw([]);
  /** Whether every record's content is loaded (search then covers notes and lab values), or failed to. */
  loadState: LoadState = $state.raw({ phase: 'loading' });
  /** Why the last load or catch-up failed, kept while a retry runs and until one succeeds (the notice). */
  loadProblem: VaultError | null = $state.raw(null);
  /** Moves on every change of the records: views that read the (non-reactive) model depend on it. */
  revision = $state(0);

  readonly #ports: VaultSessionPorts;
  #access: Promise<VaultAccess> | undefined;
  #starting: Promise<void> | undefined;
  #lastActivity = 0;

  constructor(ports: VaultSessionPorts) {
    this.#ports = ports;
  }

  /** The vault core, loaded once; a failed load (offline, no cached copy) is tried again on the next call. */
  #core(): Promise<VaultAccess> {
    this.#access ??= this.#ports.access().catch((error: unknown) => {
      this.#access = undefined;
      throw error;
    });
    return this.#access;
  }

  /**
   * Loads the vault core in the background, so that it is there by the time the passphrase is typed. The first
   * screen calls it once its passphrase field is up: not before, or it would compete with that screen's code.
   */
  preload(): void {
    this.#core().catch(() => undefined);
  }

  /** Finds out whether this browser holds a vault (once; later calls wait for the first). */
  start(): Promise<void> {
    this.#starting ??= this.#ports.list().then((vaults) => {
      this.vaults = vaults;
      if (this.status === 'starting') this.status = vaults.length === 0 ? 'new' : 'locked';
      // No vault yet: fetch and keep the relay's descriptor now, while the first visit is online, so the
      // vault can still be created if the network is gone by the time the person chooses a passphrase.
      if (vaults.length === 0) loadRelayDescriptor().catch(() => undefined);
    });
    return this.#starting;
  }

  /** Creates a vault pinned to the relay that serves the app; the recovery kit is then shown once. */
  async create(passphrase: string, onProgress?: ProgressListener): Promise<void> {
    const relay = await loadRelayDescriptor();
    const { vault, recoveryKit } = await (await this.#core()).create({ passphrase, relay, onProgress });
    this.recoveryKit = recoveryKit;
    this.#open(vault);
  }

  /** The person confirmed they saved the kit: it is dropped from memory. */
  confirmRecoveryKit(): void {
    this.recoveryKit = null;
  }

  async unlock(id: string, secret: UnlockSecret, onProgress?: ProgressListener): Promise<void> {
    const vault = await (await this.#core()).unlock(id, secret, onProgress);
    // Whoever needed the kit has most likely forgotten the passphrase: offer to set one right away.
    this.passphraseOffer = vault.unlockedWith === 'recovery_key';
    this.#open(vault);
  }

  /** The person set a new passphrase, or chose not to now (Settings can still do it in this session). */
  closePassphraseOffer(): void {
    this.passphraseOffer = false;
  }

  /** Which vault a backup file is of and when it was made (VaultError `backup_foreign` otherwise). */
  async inspectBackup(file: BackupFile): Promise<{ vaultId: string; writtenAt: number }> {
    return (await this.#core()).inspectBackup(file);
  }

  /** Rebuilds a vault from a backup and the recovery kit as a new device of it, then opens it. */
  async restore(input: {
    backup: BackupFile;
    recoveryKey: string;
    passphrase: string;
    onProgress?: ProgressListener;
  }): Promise<void> {
    // The restore screen is not offered while a vault is open: its keys would stay in memory beside these.
    if (this.vault !== null) throw new Error('a vault is open: lock it before restoring another');
    const vault = await (await this.#core()).restore(input);
    this.vaults = await this.#ports.list();
    this.#open(vault);
  }

  /** Reads again what failed to load (the notice's "Try again"); `loadState` tells how it went. */
  async retryLoad(): Promise<void> {
    await this.vault?.retryLoad();
  }

  /** Locks in every tab; the onLocked listener then replaces the page. */
  lock(): void {
    this.vault?.lock();
  }

  /**
   * Reads from the open vault inside a reactive context so the caller re-runs when records change.
   *
   * @example
   * const months = $derived(vaultSession.read((vault) => vault.records.timeline()));
   */
  read<T>(reader: (vault: Vault) => T, fallback: T): T {
    const _revision = this.revision;
    return this.vault === null ? fallback : reader(this.vault);
  }

  /** The person did something: resets the idle timer, at most once every ten seconds. */
  activity(now = Date.now()): void {
    if (this.vault === null || now - this.#lastActivity < ACTIVITY_EVERY_MS) return;
    this.#lastActivity = now;
    this.vault.activity();
  }

  /** Counts pointer and key presses as activity; returns the function that stops. */
  watchActivity(target: Window = window): () => void {
    const onActivity = (): void => this.activity();
    target.addEventListener('pointerdown', onActivity, { passive: true });
    target.addEventListener('keydown', onActivity, { passive: true });
    return () => {
      target.removeEventListener('pointerdown', onActivity);
      target.removeEventListener('keydown', onActivity);
    };
  }

  #open(vault: Vault): void {
    this.vault = vault;
    this.saveState = vault.saveState();
    // Copies: the vault hands out its own list and pushes to it, so the same array assigned again would not
    // be a change for $state.raw, and the integrity banner would never appear for a problem found after unlock.
    this.problems = [...vault.problems()];
    vault.onSaveState((state) => (this.saveState = state));
    vault.onProblem(() => (this.problems = [...vault.problems()]));
    vault.records.onChange(() => this.revision++);
    // A fresh page: nothing decrypted survives in components, caches or closures of this one. Where the
    // patient was (the address only) is kept for this tab, and unlocking brings them back there.
    vault.onLocked(() => {
      rememberReturnPath(location.pathname + location.search);
      location.replace('/');
    });
    const onLoadState = (state: LoadState): void => {
      this.loadState = state;
      if (state.phase === 'incomplete') this.loadProblem = state.error;
      if (state.phase !== 'complete') return;
      this.loadProblem = null;
      // Search results and record views read content the load just brought in.
      this.revision++;
    };
    onLoadState(vault.loadState());
    vault.onLoadState(onLoadState);
    this.#lastActivity = Date.now();
    this.status = 'open';
  }
}

export const vaultSession = new VaultSession({ list: () => listVaults(indexedDB), access: loadAccess });
