import { yieldToLoop } from '../yield-to-loop.ts';
import { toHex } from '#crypto';
import { initialState, MembershipBatch, type MembershipState } from '#protocol';
import { checkpointOf, decodeMembershipState } from './membership-checkpoint.ts';
import type { RecordState, RelayStore } from '../store/relay-store.ts';
import { LruMap } from './lru-map.ts';
import { createUploadLedger, type UploadLedger } from './upload-ledger.ts';
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
  /** Record states, the most recently used `recordCacheSize` of them (the store has the rest). */
  readonly records: {
    get(key: string): RecordState | undefined;
    set(key: string, state: RecordState): void;
    readonly size: number;
  };
  readonly sessions: Set<HubSession>;
  /** Blob uploads in progress and the quota they hold reserved (§9). */
  readonly uploads: UploadLedger;
}

export interface VaultHub {
  /** The vault, loaded from the store's validated state on first use; undefined if unknown. */
  open(vaultId: Uint8Array): Promise<VaultHandle | undefined>;
  /** Registers a vault just created (its genesis validated by the caller). */
  adopt(vaultId: Uint8Array, membership: MembershipState, rv: number, usedBytes: number): VaultHandle;
  /** Record state under the vault lock, cached. */
  record(vault: VaultHandle, recordId: Uint8Array): Promise<RecordState>;
  /** Vaults and record states held in memory now (tests and logs). */
  cached(): { vaults: number; records: number };
}

/** A cached vault: its load, and once loaded, the handle and when it was last asked for. */
interface CacheEntry {
  readonly pending: Promise<VaultHandle | undefined>;
  handle: VaultHandle | undefined;
  usedAt: number;
}

/** A vault asked for this recently stays cached: its caller may not have attached its session yet. */
const RECENT_MS = 1000;

/** An upload idle this long gives its reservation back (its stored bytes stay, and it resumes when announced). */
const IDLE_UPLOAD_MS = 10 * 60 * 1000;

/** Entries validated between two yields to the event loop when a vault is replayed (about 30 ms of work). */
const PAGE = 200;

export function createVaultHub(deps: {
  store: RelayStore;
  relayPk: Uint8Array;
  /** Vaults kept in memory without a live session (LRU); 0 would reload a vault on every request. */
  vaultCacheSize: number;
  /** Record states kept per vault (LRU). */
  recordCacheSize: number;
  now?: () => number;
}): VaultHub {
  const now = deps.now ?? Date.now;
  // Only a vault nobody uses may go: no live session, no task in or waiting for its lock, not just asked
  // for. Dropping one with a session would let a second handle (and a second lock) exist for the vault.
  const vaults = new LruMap<string, CacheEntry>(
    deps.vaultCacheSize,
    (e) =>
      e.handle !== undefined && e.handle.sessions.size === 0 && e.handle.lock.idle() && now() - e.usedAt > RECENT_MS,
  );

  /**
   * The validated state from the store's checkpoint, then the entries after it (none when the relay wrote
   * both, issue 12). A vault stored before checkpoints existed is replayed once, yielding to the event loop
   * between pages, and its checkpoint written for the next load.
   */
  const load = async (vaultId: Uint8Array): Promise<VaultHandle | undefined> => {
    const summary = await deps.store.vault(vaultId);
    if (summary === undefined) return undefined;
    const saved = await deps.store.membershipState(vaultId);
    const from =
      saved === undefined ? initialState({ vaultId, pinnedRelayPk: deps.relayPk }) : decodeMembershipState(saved.state);
    const batch = new MembershipBatch(from);
    let since = saved === undefined ? 0 : saved.seq + 1;
    for (;;) {
      const page = await deps.store.membership(vaultId, since, PAGE);
      for (const [i, bytes] of page.entries()) {
        const step = batch.add(bytes);
        // A stored log that no longer validates means the database was altered outside the relay: refuse to serve it.
        if (!step.ok)
          throw new Error(
            `stored membership log of vault ${toHex(vaultId)} fails validation at ${since + i}: ${step.code}`,
          );
      }
      if (page.length < PAGE) break;
      since += page.length;
      await yieldToLoop();
    }
    const state = batch.finish();
    if (saved === undefined || (state.head?.seq ?? 0) > saved.seq) {
      await deps.store.saveMembershipState(vaultId, checkpointOf(state, undefined));
    }
    return handle(vaultId, state, summary.rv, summary.usedBytes);
  };

  const handle = (vaultId: Uint8Array, membership: MembershipState, rv: number, usedBytes: number): VaultHandle => ({
    vaultId,
    lock: createVaultLock(),
    membership,
    rv,
    usedBytes,
    records: new LruMap(deps.recordCacheSize),
    sessions: new Set(),
    uploads: createUploadLedger(IDLE_UPLOAD_MS),
  });

  return {
    open: (vaultId) => {
      const key = toHex(vaultId);
      const cached = vaults.get(key);
      if (cached !== undefined) {
        cached.usedAt = now();
        return cached.pending;
      }
      const entry: CacheEntry = { pending: load(vaultId), handle: undefined, usedAt: now() };
      vaults.set(key, entry);
      // Unknown vaults are not cached, so a vault created later is found.
      void entry.pending.then(
        (v) => {
          if (v === undefined) vaults.delete(key);
          else entry.handle = v;
        },
        () => vaults.delete(key),
      );
      return entry.pending;
    },
    adopt: (vaultId, membership, rv, usedBytes) => {
      const created = handle(vaultId, membership, rv, usedBytes);
      vaults.set(toHex(vaultId), { pending: Promise.resolve(created), handle: created, usedAt: now() });
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
    cached: () => {
      let records = 0;
      for (const e of vaults.values()) records += e.handle?.records.size ?? 0;
      return { vaults: vaults.size, records };
    },
  };
}
