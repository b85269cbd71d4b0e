import { toHex } from '#crypto';
import { initialState, validateLog, type MembershipState } from '#protocol';
import type { RecordState, RelayStore } from '../store/relay-store.ts';
import { createVaultLock, type VaultLock } from './vault-lock.ts';

/** A live session as the hub sees it: enough to fan out and to cut it off. */
export interface HubSession {
  readonly principal: number;
  /** Records this session follows live (hex); undefined = every record it may read. */
  subscriptions: Set<string> | undefined;
  /** True after a SYNC with live = 1, until UNSUBSCRIBE of everything. */
  live: boolean;
  send(frame: Uint8Array): void;
  /** Ends the session (NOTICE 5 then close 1008), e.g. when its principal is removed. */
  end(reason: 'revoked'): void;
}

/** The relay's in-memory view of one vault; the store is the truth, this is its cache under the vault lock. */
export interface VaultHandle {
  readonly vaultId: Uint8Array;
  readonly lock: VaultLock;
  membership: MembershipState;
  rv: number;
  usedBytes: number;
  readonly records: Map<string, RecordState>;
  readonly sessions: Set<HubSession>;
}

export interface VaultHub {
  /** The vault, loaded from the store and its log replayed through the validator on first use; undefined if unknown. */
  open(vaultId: Uint8Array): Promise<VaultHandle | undefined>;
  /** Registers a vault just created (its genesis validated by the caller). */
  adopt(vaultId: Uint8Array, membership: MembershipState, rv: number, usedBytes: number): VaultHandle;
  /** Record state under the vault lock, cached. */
  record(vault: VaultHandle, recordId: Uint8Array): Promise<RecordState>;
}

export function createVaultHub(deps: { store: RelayStore; relayPk: Uint8Array }): VaultHub {
  const vaults = new Map<string, Promise<VaultHandle | undefined>>();

  const load = async (vaultId: Uint8Array): Promise<VaultHandle | undefined> => {
    const summary = await deps.store.vault(vaultId);
    if (summary === undefined) return undefined;
    const entries: Uint8Array[] = [];
    for (let since = 0; ;) {
      const page = await deps.store.membership(vaultId, since, 1000);
      entries.push(...page);
      if (page.length < 1000) break;
      since += page.length;
    }
    const replay = validateLog(initialState({ vaultId, pinnedRelayPk: deps.relayPk }), entries);
    // A stored log that no longer validates means the database was altered outside the relay: refuse to serve it.
    if (!replay.ok)
      throw new Error(
        `stored membership log of vault ${toHex(vaultId)} fails validation at ${replay.at}: ${replay.code}`,
      );
    return handle(vaultId, replay.state, summary.rv, summary.usedBytes);
  };

  const handle = (vaultId: Uint8Array, membership: MembershipState, rv: number, usedBytes: number): VaultHandle => ({
    vaultId,
    lock: createVaultLock(),
    membership,
    rv,
    usedBytes,
    records: new Map(),
    sessions: new Set(),
  });

  return {
    open: (vaultId) => {
      const key = toHex(vaultId);
      let pending = vaults.get(key);
      if (pending === undefined) {
        pending = load(vaultId);
        vaults.set(key, pending);
        // Unknown vaults are not cached, so a vault created later is found.
        void pending.then(
          (v) => v ?? vaults.delete(key),
          () => vaults.delete(key),
        );
      }
      return pending;
    },
    adopt: (vaultId, membership, rv, usedBytes) => {
      const created = handle(vaultId, membership, rv, usedBytes);
      vaults.set(toHex(vaultId), Promise.resolve(created));
      return created;
    },
    record: async (vault, recordId) => {
      const key = toHex(recordId);
      let state = vault.records.get(key);
      if (state === undefined) {
        state = await deps.store.recordState(vault.vaultId, recordId);
        vault.records.set(key, state);
      }
      return state;
    },
  };
}
