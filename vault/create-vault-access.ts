// The entry point the app uses: list this browser's vaults, create one, unlock one. IO comes in through small
// ports (IndexedDB, the KDF, clock, randomness, navigator.storage) so Node tests run the same code on
// fake-indexeddb with cheap KDF parameters.
import {
  changeKeystorePassphraseWithKek,
  deriveKek,
  keystoreKdfInputs,
  ready,
  unlockKeystoreWithKek,
  wipe,
  type KdfParams,
  type KeystoreBody,
} from '#crypto';
import { createVaultAttachments } from './attachments/index.ts';
import { inspectBackup, restoreBackup } from './backup/restore-backup.ts';
import { openVault, type OpenVaultOptions } from './open-vault.ts';
import { systemClock, systemRandom, type Clock, type Random } from './records/ports.ts';
import { isVaultError, VaultError } from './records/vault-error.ts';
import { kekForNewPassphrase, newVault, vaultHex } from './session/new-vault.ts';
import { openKeystore, verifyMembership } from './session/open-keystore.ts';
import { createVaultKeys } from './session/vault-keys.ts';
import type { CompactionPolicy } from './store/compaction-policy.ts';
import { listVaults } from './store/list-vaults.ts';
import { openDirectoryDb, openVaultDb, type IdbPorts, type VaultDb } from './store/vault-db.ts';
import type { KdfPort, ProgressListener, Vault, VaultAccess } from './vault-api.ts';

export interface VaultAccessOptions {
  /** IndexedDB (default: the browser's). */
  idb?: IdbPorts;
  /** Argon2id (default: in this thread; the app passes a Worker). */
  kdf?: KdfPort;
  clock?: Clock;
  random?: Random;
  /** KDF parameters to try for new passphrases, in order (default: PROTOCOL.md §18.2's ladder). Tests pass
   * the floor to stay fast; the floor is enforced by crypto whatever is passed. */
  kdfLadder?: readonly KdfParams[];
  compaction?: Partial<CompactionPolicy>;
  /** Keys per index shard (§7.7; default 1,024): tests pass a few to reach many shards with few records. */
  shardCapacity?: number;
  /** Quiet time before a catalogue page is rewritten (default 2 s): tests pass 0. */
  catalogueDelayMs?: number;
  /** Background faults of an open vault (OpenVaultOptions.onFault; default: thrown from a timer). */
  onFault?: OpenVaultOptions['onFault'];
  storage?: StorageManager;
  /** The attachment store (default: vault/attachments). */
  attachments?: OpenVaultOptions['attachments'];
}

/** Argon2id in the calling thread. */
export const inThreadKdf: KdfPort = async (passphrase, salt, params) => {
  await ready();
  return deriveKek(passphrase, salt, params);
};

const MIN_PASSPHRASE_CHARS = 10;

export function createVaultAccess(options: VaultAccessOptions = {}): VaultAccess {
  const kdf = options.kdf ?? inThreadKdf;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const storage =
    options.storage ?? (typeof navigator !== 'undefined' && 'storage' in navigator ? navigator.storage : undefined);

  async function open(
    db: VaultDb,
    opened: { dsk: Uint8Array; body: KeystoreBody; vaultId: Uint8Array },
    unlockedWith: Vault['unlockedWith'],
  ): Promise<Vault> {
    const entries = (await db.membership.orderBy('seq').toArray()).map((row) => row.bytes);
    let membership;
    try {
      membership = verifyMembership(opened.body, opened.vaultId, entries);
    } catch (error) {
      wipe(opened.dsk, opened.body.sigSeed, opened.body.boxSeed, ...opened.body.keyring);
      throw error;
    }
    const keys = createVaultKeys({ ...opened, membership, entries });
    const vaultIdHex = keys.vaultIdHex;
    return openVault({
      db,
      keys,
      clock,
      random,
      storage,
      attachments: options.attachments ?? ((context) => createVaultAttachments(context)),
      ...(options.compaction === undefined ? {} : { compaction: options.compaction }),
      ...(options.shardCapacity === undefined ? {} : { shardCapacity: options.shardCapacity }),
      ...(options.catalogueDelayMs === undefined ? {} : { catalogueDelayMs: options.catalogueDelayMs }),
      ...(options.onFault === undefined ? {} : { onFault: options.onFault }),
      unlockedWith,
      async changePassphrase(current, next, onProgress) {
        // Without the current passphrase only where the recovery key itself opened this session: holding the
        // kit is proof enough, while a device merely left unlocked is not.
        if (current === null && unlockedWith !== 'recovery_key') {
          throw new VaultError('bad_passphrase', 'the current passphrase is needed');
        }
        checkPassphrase(next);
        const row = await db.keystore.get('k');
        if (row === undefined) throw new VaultError('vault_not_found', `no keystore for ${vaultIdHex}`);
        onProgress?.({ phase: 'kdf', done: 0, total: 2 });
        // The current passphrase, when given, is checked first: a wrong one changes nothing.
        if (current !== null) await checkCurrentPassphrase(row.bytes, current);
        onProgress?.({ phase: 'kdf', done: 1, total: 2 });
        const fresh = await kekForNewPassphrase(kdf, next, random, options.kdfLadder);
        try {
          const bytes = changeKeystorePassphraseWithKek(row.bytes, keys.dsk, fresh.kek, fresh.salt, fresh.params, (n) =>
            random.bytes(n),
          );
          await db.transaction('rw', db.keystore, async () => {
            await db.keystore.put({ k: 'k', bytes });
          });
        } finally {
          wipe(fresh.kek);
        }
        onProgress?.({ phase: 'kdf', done: 2, total: 2 });
      },
    });
  }

  async function checkCurrentPassphrase(keystore: Uint8Array, current: string): Promise<void> {
    const { salt, params } = keystoreKdfInputs(keystore);
    const oldKek = await kdf(current, salt, params);
    try {
      const check = unlockKeystoreWithKek(keystore, oldKek);
      wipe(check.dsk);
    } catch (cause) {
      throw new VaultError('bad_passphrase', 'the current passphrase is wrong', { cause });
    } finally {
      wipe(oldKek);
    }
  }

  function checkPassphrase(passphrase: string): void {
    if (typeof passphrase !== 'string' || Array.from(passphrase).length < MIN_PASSPHRASE_CHARS) {
      throw new VaultError('weak_passphrase', `a passphrase has at least ${String(MIN_PASSPHRASE_CHARS)} characters`);
    }
  }

  return {
    list() {
      return listVaults(options.idb?.indexedDB ?? indexedDB);
    },

    async create({ passphrase, relay, onProgress }) {
      await ready();
      checkPassphrase(passphrase);
      onProgress?.({ phase: 'kdf', done: 0, total: 1 });
      const created = await newVault({
        passphrase,
        relay,
        kdf,
        clock,
        random,
        ...(options.kdfLadder === undefined ? {} : { ladder: options.kdfLadder }),
      });
      onProgress?.({ phase: 'kdf', done: 1, total: 1 });
      const hex = vaultHex(created.vaultId);
      const db = openVaultDb(hex, options.idb);
      await db.transaction('rw', db.keystore, db.membership, async () => {
        await db.keystore.put({ k: 'k', bytes: created.keystore });
        await db.membership.put({ seq: 0, bytes: created.genesis });
      });
      const directory = openDirectoryDb(options.idb);
      try {
        await directory.vaults.put({ vaultIdHex: hex, relayOrigin: created.body.relayOrigin });
      } finally {
        directory.close();
      }
      const vault = await open(db, { dsk: created.dsk, body: created.body, vaultId: created.vaultId }, 'passphrase');
      return { vault, recoveryKit: created.recoveryKit };
    },

    async inspectBackup(file) {
      await ready();
      return inspectBackup(file);
    },

    async restore({ backup, recoveryKey, passphrase, onProgress }) {
      await ready();
      checkPassphrase(passphrase);
      // The header is checked before the KDF runs: a foreign file is refused at once.
      await inspectBackup(backup);
      onProgress?.({ phase: 'kdf', done: 0, total: 1 });
      const kek = await kekForNewPassphrase(kdf, passphrase, random, options.kdfLadder);
      onProgress?.({ phase: 'kdf', done: 1, total: 1 });
      let restored;
      try {
        restored = await restoreBackup(
          { ...(options.idb === undefined ? {} : { idb: options.idb }), clock, random, kek },
          { backup, recoveryKey },
          onProgress,
        );
      } finally {
        wipe(kek.kek);
      }
      // The patient chose a passphrase for this browser as part of the restore.
      return open(restored.db, restored, 'passphrase');
    },

    async unlock(id, secret, onProgress?: ProgressListener) {
      await ready();
      if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) throw new VaultError('vault_not_found', 'bad vault id');
      const db = openVaultDb(id, options.idb);
      try {
        const row = await db.keystore.get('k');
        if (row === undefined || !(row.bytes instanceof Uint8Array)) {
          // Opening the database created it if the browser no longer had it: leave no empty database behind
          // to be taken for a vault later (one that holds rows but no keystore is left as it is, for support).
          if ((await db.membership.count()) === 0 && (await db.envelopes.count()) === 0) await db.delete();
          throw new VaultError('vault_not_found', `no keystore for ${id}`);
        }
        const opened = await openKeystore(row.bytes, secret, kdf, onProgress);
        if (vaultHex(opened.vaultId) !== id) {
          wipe(opened.dsk);
          throw new VaultError('tampered_row', 'the keystore belongs to another vault');
        }
        onProgress?.({ phase: 'load', done: 0, total: 1 });
        const vault = await open(db, opened, 'passphrase' in secret ? 'passphrase' : 'recovery_key');
        onProgress?.({ phase: 'load', done: 1, total: 1 });
        return vault;
      } catch (error) {
        db.close();
        if (isVaultError(error) || error instanceof Error) throw error;
        throw new VaultError('tampered_row', 'unlock failed', { cause: error });
      }
    },
  };
}
