// Everything secret an unlocked vault holds, in one KeyHolder so that lock wipes every buffer in one call
// (docs/PROTOCOL.md §18.5), and the envelope context (§7.5) built from the verified membership log.
import {
  derivedKey,
  deviceIdentity,
  fromHex,
  indexId,
  indexKey,
  shardPrefix,
  KeyHolder,
  localStorageKey,
  recordKey,
  TYPE,
  toHex,
  type EnvelopeContext,
  type Identity,
  type KeystoreBody,
} from '#crypto';
import { entryHash } from '#protocol/membership/sign-entry';
import { epochAt, type MembershipState } from '#protocol/membership/index';

export interface VaultKeys {
  readonly vaultId: Uint8Array;
  readonly vaultIdHex: string;
  readonly indexIdHex: string;
  /** The vault's index shard prefix P (§7.1), hex. */
  readonly shardPrefixHex: string;
  readonly deviceIndex: number;
  readonly identity: Identity;
  /** The local storage key (§18.3). */
  readonly lsk: Uint8Array;
  /** The derived rows key XK (§18.7). */
  readonly xk: Uint8Array;
  /** The device storage key: kept to rewrite the keystore body and change the passphrase. */
  readonly dsk: Uint8Array;
  readonly body: KeystoreBody;
  membership: MembershipState;
  /** `h_seq` of every verified membership entry. */
  readonly headHashes: Uint8Array[];
  /** K(r,E) for a record (or I_E for the index), by default at the current epoch; undefined when the root or
   * the epoch secret is unknown. */
  key(recordIdHex: string, root: () => Uint8Array | undefined, epoch?: number): Uint8Array | undefined;
  context(root: (recordIdHex: string) => Uint8Array | undefined): EnvelopeContext;
  /** Wipes every key buffer. Later calls throw `wiped`. */
  wipe(): void;
  readonly locked: boolean;
}

/** Holds the keys opened from the keystore and the verified membership entries. */
export function createVaultKeys(input: {
  dsk: Uint8Array;
  body: KeystoreBody;
  vaultId: Uint8Array;
  membership: MembershipState;
  entries: readonly Uint8Array[];
}): VaultKeys {
  const holder = new KeyHolder();
  const dsk = holder.hold(input.dsk);
  const body = input.body;
  holder.hold(body.sigSeed);
  holder.hold(body.boxSeed);
  holder.holdAll(body.keyring);
  const identity = deviceIdentity(body.sigSeed, body.boxSeed);
  holder.hold(identity.sigSk);
  holder.hold(identity.boxSk);
  const lsk = holder.hold(localStorageKey(dsk));
  const xk = holder.hold(derivedKey(dsk));
  const vaultId = input.vaultId;
  const indexIdHex = toHex(indexId(vaultId));
  const shardPrefixHex = toHex(shardPrefix(vaultId));
  const headHashes = input.entries.map((bytes) => entryHash(vaultId, bytes));
  const cache = new Map<string, Uint8Array>();
  const isIndexShardHex = (hex: string): boolean => hex.length === 32 && hex.startsWith(shardPrefixHex);

  const keys: VaultKeys = {
    vaultId,
    vaultIdHex: toHex(vaultId),
    indexIdHex,
    shardPrefixHex,
    deviceIndex: body.deviceIndex,
    identity,
    lsk,
    xk,
    dsk,
    body,
    membership: input.membership,
    headHashes,
    key(recordIdHex, root, epoch = keys.membership.epoch) {
      const cacheKey = `${recordIdHex}:${String(epoch)}`;
      const cached = cache.get(cacheKey);
      if (cached !== undefined) return cached;
      const secret = body.keyring[epoch];
      if (secret === undefined) return undefined;
      let key: Uint8Array;
      // The index root and every index shard are sealed under I_E (§7.7).
      if (recordIdHex === indexIdHex || isIndexShardHex(recordIdHex)) key = indexKey(secret, epoch);
      else {
        const r = root();
        if (r === undefined) return undefined;
        key = recordKey(secret, vaultId, fromHex(recordIdHex), epoch, r);
      }
      holder.hold(key);
      cache.set(cacheKey, key);
      return key;
    },
    context(root) {
      const state = keys.membership;
      return {
        vaultId,
        verifiedHead: state.head?.seq ?? -1,
        headHash: (seq) => headHashes[seq],
        epochAt: (seq) => epochAt(state, seq) ?? -1,
        authorKey(index, seq) {
          const p = state.principals[index];
          if (p === undefined || p.addedSeq > seq) return undefined;
          if (p.removedSeq !== null && p.removedSeq <= seq) return undefined;
          return p.sigPk;
        },
        key(recordId, epoch, type) {
          // Deposits are opened with K_dep from the deposit key (a later issue), never with a record key.
          if (type === TYPE.deposit) return undefined;
          const hex = toHex(recordId);
          return keys.key(hex, () => root(hex), epoch);
        },
      };
    },
    wipe() {
      cache.clear();
      holder.lock();
    },
    get locked() {
      return holder.locked;
    },
  };
  return keys;
}
