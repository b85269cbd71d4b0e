/**
 * What the relay keeps: ciphertext and the minimum routing metadata (docs/PROTOCOL.md §13, THREAT_MODEL.md).
 * SQLite and PostgreSQL implement this one interface; the relay core never sees SQL.
 *
 * Concurrency: the relay serialises every write to one vault in memory (one writer per vault), and each
 * method that writes is one database transaction that has committed when its promise resolves: the relay
 * sends an ACK only after that (PROTOCOL.md §13.2).
 */
export type EnvelopeKind = 'update' | 'snapshot' | 'deposit';

export interface EnvelopeRow {
  rv: number;
  recordId: Uint8Array;
  kind: EnvelopeKind;
  author: number;
  /** The author's sequence for updates; 0 for snapshots and deposits. */
  seq: number;
  bytes: Uint8Array;
}

export interface NewEnvelope extends Omit<EnvelopeRow, 'rv'> {
  /** H(envelope), kept for idempotent resends even after the bytes are pruned. */
  hash: Uint8Array;
  /** Snapshot coverage (author -> seq), for snapshots only. */
  coverage?: Map<number, number>;
}

export interface RecordState {
  /** Highest accepted sequence per author. */
  hw: Map<number, number>;
  /** rv of the active snapshot, 0 when none. */
  snapshotRv: number;
  deleted: boolean;
}

export interface VaultSummary {
  /** Highest relay version handed out in this vault. */
  rv: number;
  /** Bytes stored for the vault (envelopes and blobs), for the quota. */
  usedBytes: number;
}

/** At most `rows` rows, and no row after the one that brings the total envelope bytes to `bytes` or more. */
export interface PageLimit {
  rows: number;
  bytes: number;
}

export interface BlobInfo {
  recordId: Uint8Array;
  size: number;
  received: number;
  complete: boolean;
}

export interface RelayStore {
  readonly kind: 'sqlite' | 'postgres';
  health(): Promise<boolean>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;

  /**
   * Creates a vault with its genesis entry (seq 0), the epoch-0 wraps and the index snapshot; false if it exists.
   * All their bytes count in the vault's used bytes.
   */
  createVault(
    vaultId: Uint8Array,
    genesis: Uint8Array,
    wraps: StoredWrap[],
    indexSnapshot: NewEnvelope | undefined,
    checkpoint?: MembershipCheckpoint,
  ): Promise<boolean>;
  vault(vaultId: Uint8Array): Promise<VaultSummary | undefined>;
  /** Membership entries with seq >= since, in order, at most `limit`. */
  membership(vaultId: Uint8Array, since: number, limit: number): Promise<Uint8Array[]>;
  /**
   * Appends entries from `firstSeq` on, and wraps, in one transaction, adding their bytes to the vault's used
   * bytes; false (nothing written) when a seq is already taken or a wrap is already stored for its (recipient,
   * epoch): a stored wrap is never replaced, so each wrap's bytes are counted once.
   */
  appendMembership(
    vaultId: Uint8Array,
    firstSeq: number,
    entries: Uint8Array[],
    wraps: StoredWrap[],
    checkpoint?: MembershipCheckpoint,
  ): Promise<boolean>;
  /**
   * The validated membership state at `seq` (issue 12): loading a vault reads it instead of replaying the log.
   * Written with the entries it covers (createVault, appendMembership) or alone for a vault stored before it
   * existed; never moves back to a lower seq.
   */
  saveMembershipState(vaultId: Uint8Array, checkpoint: MembershipCheckpoint): Promise<void>;
  membershipState(vaultId: Uint8Array): Promise<{ seq: number; state: Uint8Array } | undefined>;
  /**
   * Vaults stored before the relay kept their membership state (schema 2), in id order after `after`, at most
   * `limit`: the relay replays each once at start so no client request ever makes it replay a log.
   */
  vaultsWithoutState(after: Uint8Array, limit: number): Promise<Uint8Array[]>;
  /** One principal's signing key and status, so AUTH checks a signature before loading anything. */
  principalKey(vaultId: Uint8Array, index: number): Promise<PrincipalKey | undefined>;
  wraps(vaultId: Uint8Array, recipient: number, fromEpoch: number): Promise<Uint8Array[]>;

  recordState(vaultId: Uint8Array, recordId: Uint8Array): Promise<RecordState>;
  /** The (rv, hash) of an accepted update, for idempotent resends. */
  findUpdate(
    vaultId: Uint8Array,
    recordId: Uint8Array,
    author: number,
    seq: number,
  ): Promise<{ rv: number; hash: Uint8Array } | undefined>;
  /**
   * Stores envelopes of one record with consecutive relay versions from `firstRv`, raises the high-water marks
   * and, for a snapshot, makes it the active one: one transaction. Resolves once committed.
   */
  commitEnvelopes(vaultId: Uint8Array, firstRv: number, envelopes: NewEnvelope[], addedBytes: number): Promise<void>;
  /**
   * Envelopes for a SYNC from `sinceRv` (PROTOCOL.md §13.4), in rv order, optionally limited to some records:
   * those in `recordIds` and, with `idPrefix`, every record whose id starts with it (the index shards, §7.1);
   * `recordIds` undefined means every record. With `limit`, one page of them (the caller continues after the
   * last rv it got, until a page comes back empty).
   */
  envelopesSince(
    vaultId: Uint8Array,
    sinceRv: number,
    recordIds: Uint8Array[] | undefined,
    limit?: PageLimit,
    idPrefix?: Uint8Array,
  ): Promise<EnvelopeRow[]>;
  /** Updates of one author with from <= seq <= to, in seq order; with `limit`, the first page of them. */
  updatesRange(
    vaultId: Uint8Array,
    recordId: Uint8Array,
    author: number,
    from: number,
    to: number,
    limit?: PageLimit,
  ): Promise<EnvelopeRow[]>;

  blob(vaultId: Uint8Array, blobId: Uint8Array): Promise<BlobInfo | undefined>;
  /**
   * Starts an upload, or restarts an unfinished one from 0 under this record and size (its chunks dropped and
   * their bytes given back); a complete blob is kept whole.
   */
  startBlob(vaultId: Uint8Array, blobId: Uint8Array, recordId: Uint8Array, size: number): Promise<void>;
  /** Appends a chunk at `offset`; when `complete`, marks the blob complete in the same transaction. */
  appendBlobChunk(
    vaultId: Uint8Array,
    blobId: Uint8Array,
    offset: number,
    bytes: Uint8Array,
    complete: boolean,
  ): Promise<void>;
  /** Drops an upload whose hash did not match. */
  discardBlob(vaultId: Uint8Array, blobId: Uint8Array): Promise<void>;
  /** Chunks of a blob from `offset`, in order. */
  blobChunks(
    vaultId: Uint8Array,
    blobId: Uint8Array,
    offset: number,
  ): AsyncIterable<{ offset: number; bytes: Uint8Array }>;
}

export interface StoredWrap {
  recipient: number;
  epoch: number;
  bytes: Uint8Array;
}

/** A principal as AUTH needs it, kept in step with the membership state (one row per index). */
export interface PrincipalKey {
  index: number;
  role: string;
  sigPk: Uint8Array;
  active: boolean;
}

/** The membership state after entry `seq`, serialised by the relay, and the principal rows it changed. */
export interface MembershipCheckpoint {
  seq: number;
  state: Uint8Array;
  keys: PrincipalKey[];
}

/** Bytes that membership entries and wraps add to a vault's quota (every stored byte counts, issue 12 item 3). */
export function membershipBytes(entries: Uint8Array[], wraps: StoredWrap[]): number {
  return entries.reduce((n, e) => n + e.length, 0) + wraps.reduce((n, w) => n + w.bytes.length, 0);
}
