/** Every abuse limit of the relay, each configurable (README, "Configuration"). */
export interface RelayLimits {
  /** Largest WebSocket frame accepted; a bigger one closes the socket with 1009. */
  maxFrameBytes: number;
  /** Sustained frames per second per connection, and the burst allowed above it. */
  messagesPerSecond: number;
  messageBurst: number;
  /** New WebSocket connections per client address per minute. */
  connectionsPerMinute: number;
  /** Bytes queued to a slow reader before the relay gives up on it and closes the socket. */
  maxBufferedBytes: number;
  /** Stored bytes per vault (envelopes and blobs). */
  vaultQuotaBytes: number;
  /** Time a new connection has to authenticate before it is closed (auth_timeout, 1008). */
  authTimeoutMs: number;
  /** Membership entries in one MEMBER_APPEND (too_many_entries). */
  maxMemberEntries: number;
  /** Principals (devices, links, recovery, ever admitted) in one vault (too_many_principals). */
  maxPrincipals: number;
  /** Vaults kept in memory without a live session, least recently used dropped first. */
  vaultCacheSize: number;
  /** Record states (high-water marks, active snapshot) kept in memory per vault. */
  recordCacheSize: number;
  /** A socket whose send queue makes no progress for this long is cut (slow_consumer): it pins memory. */
  stallTimeoutMs: number;
  /** Interval of WebSocket pings; a socket that has not answered the previous one by the next is cut. */
  pingIntervalMs: number;
  /** Open sockets at once from one client address, and in total (too_many_connections, 1008). */
  maxSocketsPerAddress: number;
  maxSockets: number;
  /** Vaults created per client address and relay-wide per day (rate_limited), when creation is open or by invite. */
  vaultsPerAddressPerDay: number;
  vaultsPerDay: number;
  /** Largest index snapshot accepted at VAULT_CREATE (too_large): a new vault's index is nearly empty. */
  createIndexBytes: number;
  /** Writes are refused (disk_full) while the data folder's filesystem has less free space than this. */
  minFreeDiskBytes: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  // One snapshot envelope (up to 4 MiB) must fit in a frame with its header.
  maxFrameBytes: 4 * 1024 * 1024 + 64 * 1024,
  messagesPerSecond: 200,
  messageBurst: 400,
  connectionsPerMinute: 120,
  maxBufferedBytes: 8 * 1024 * 1024,
  vaultQuotaBytes: 2 * 1024 * 1024 * 1024,
  authTimeoutMs: 10_000,
  // An honest append carries one entry (a rotation, a device-add); a patient's whole life of devices and
  // shares stays far below 5,000 principals. Both bound the work one append or one vault load can cost.
  maxMemberEntries: 500,
  maxPrincipals: 5000,
  // A few thousand patients, a few hundred at once: idle vaults and cold records go back to the store.
  vaultCacheSize: 500,
  recordCacheSize: 256,
  stallTimeoutMs: 30_000,
  pingIntervalMs: 30_000,
  // A household or a practice behind one address has a few devices each; 64 leaves room for tabs and retries.
  maxSocketsPerAddress: 64,
  // A few thousand patients with two or three devices each, not all online at once; ~16-30 KiB per idle socket.
  maxSockets: 10_000,
  // A patient sets up a vault once; a family or a practice a few more.
  vaultsPerAddressPerDay: 5,
  // A few thousand patients: a few hundred new ones on a busy day is already a lot.
  vaultsPerDay: 500,
  // An empty index seals to ~200 bytes; 64 KiB leaves room for a vault set up from an import.
  createIndexBytes: 64 * 1024,
  minFreeDiskBytes: 1024 * 1024 * 1024,
};

/** Environment variable of each limit. */
export const LIMIT_ENV: Record<keyof RelayLimits, string> = {
  maxFrameBytes: 'MAX_FRAME_BYTES',
  messagesPerSecond: 'MESSAGES_PER_SECOND',
  messageBurst: 'MESSAGE_BURST',
  connectionsPerMinute: 'CONNECTIONS_PER_MINUTE',
  maxBufferedBytes: 'MAX_BUFFERED_BYTES',
  vaultQuotaBytes: 'VAULT_QUOTA_BYTES',
  authTimeoutMs: 'AUTH_TIMEOUT_MS',
  maxMemberEntries: 'MAX_MEMBER_ENTRIES',
  maxPrincipals: 'MAX_PRINCIPALS',
  vaultCacheSize: 'VAULT_CACHE_SIZE',
  recordCacheSize: 'RECORD_CACHE_SIZE',
  stallTimeoutMs: 'STALL_TIMEOUT_MS',
  pingIntervalMs: 'PING_INTERVAL_MS',
  maxSocketsPerAddress: 'MAX_SOCKETS_PER_ADDRESS',
  maxSockets: 'MAX_SOCKETS',
  vaultsPerAddressPerDay: 'VAULTS_PER_ADDRESS_PER_DAY',
  vaultsPerDay: 'VAULTS_PER_DAY',
  createIndexBytes: 'CREATE_INDEX_BYTES',
  minFreeDiskBytes: 'MIN_FREE_DISK_BYTES',
};
