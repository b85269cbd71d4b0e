// What the record store's modules are given: the database, the keys, the records model (record roots), the row
// sealer, the clock and the shared state, gathered once when the vault opens. Each module takes the fields it
// uses (`Pick<StoreContext, ...>`), so its dependencies read off its signature; none keeps state of its own
// outside what it is given.
import type { EnvelopeContext } from '#crypto';
import type { RecordsModel } from '../records/create-records-model.ts';
import type { Clock } from '../records/ports.ts';
import type { VaultKeys } from '../session/vault-keys.ts';
import type { StoreProblem } from '../vault-api.ts';
import { createDerivedSealer, type DerivedSealer } from './derived-sealer.ts';
import type { RowSealer } from './row-sealer.ts';
import type { StoreState } from './store-state.ts';
import type { VaultDb } from './vault-db.ts';

/** The membership head a new envelope cites (§7.3) and its hash. */
export interface SigningHead {
  readonly mhead: number;
  readonly headHash: Uint8Array;
}

export interface StoreContext {
  readonly db: VaultDb;
  readonly keys: VaultKeys;
  readonly records: RecordsModel;
  readonly rows: RowSealer;
  /** Seals and opens derived rows (§18.7). */
  readonly derived: DerivedSealer;
  readonly clock: Clock;
  readonly state: StoreState;
  /** The index root's id (hex): its key is I_E, not a record root's. */
  readonly indexHex: string;
  /** The vault's index shard prefix P (hex, §7.1): shards are keyed by I_E too. */
  readonly shardPrefixHex: string;
  /** A stored row that failed its integrity check or does not decode. Never a storage fault or a bug. */
  report(problem: StoreProblem): void;
  /** The context envelopes are verified against; record roots come from the index as it is now. */
  envelopeContext(): EnvelopeContext;
  /** K(r,E) at the current epoch (I_E for the index), or undefined when the record's root is unknown. */
  keyOf(hex: string): Uint8Array | undefined;
  /** The head new envelopes cite, or undefined when its hash is not held (a bug). */
  signingHead(): SigningHead | undefined;
}

export type StoreContextInput = Pick<StoreContext, 'db' | 'keys' | 'records' | 'rows' | 'clock' | 'state' | 'report'>;

export function createStoreContext(input: StoreContextInput): StoreContext {
  const { keys, records } = input;
  const indexHex = keys.indexIdHex;
  // The index root and its shards are keyed by I_E (§7.7), never by a record root.
  const rootOf = (hex: string): Uint8Array | undefined =>
    hex === indexHex || records.isShard(hex) ? undefined : records.recordRoot(hex);
  return {
    ...input,
    indexHex,
    shardPrefixHex: keys.shardPrefixHex,
    derived: createDerivedSealer(keys.xk, keys.vaultId),
    envelopeContext: () => keys.context(rootOf),
    keyOf: (hex) => keys.key(hex, () => rootOf(hex)),
    signingHead() {
      const mhead = keys.membership.head?.seq ?? 0;
      const headHash = keys.headHashes[mhead];
      return headHash === undefined ? undefined : { mhead, headHash };
    },
  };
}
