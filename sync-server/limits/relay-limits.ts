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
};
