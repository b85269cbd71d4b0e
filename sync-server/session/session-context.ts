import type { Clock } from '../clock.ts';
import type { DiskWatermark } from '../limits/disk-watermark.ts';
import type { RelayLimits } from '../limits/relay-limits.ts';
import type { VaultAdmission } from '../limits/vault-admission.ts';
import type { Logger } from '../logger.ts';
import type { RelayIdentity } from '../relay-identity.ts';
import type { RelayStore } from '../store/relay-store.ts';
import type { HubSession, VaultHandle, VaultHub } from '../hub/vault-hub.ts';

/**
 * Faults a test can switch on to prove the suite catches them (issue 7: "injected faults"). Never set in
 * production: createRelay only takes them from its deps, never from configuration.
 */
export interface RelayFaults {
  ackBeforeCommit?: boolean;
  /** fanOut sends without re-checking read rights, and a removal leaves the removed sessions open. */
  skipBroadcastCheck?: boolean;
  acceptSequenceGap?: boolean;
}

/** What every handler of one connection may use. */
export interface SessionContext {
  readonly store: RelayStore;
  readonly hub: VaultHub;
  readonly identity: RelayIdentity;
  readonly origin: () => string;
  readonly clock: Clock;
  readonly limits: RelayLimits;
  readonly logger: Logger;
  readonly faults: RelayFaults;
  /** The client's address and the invitation its hello carried, for VAULT_CREATE. */
  readonly address: string;
  invite: string | undefined;
  readonly admission: VaultAdmission;
  /** Refuses writes (disk_full) below the free-disk watermark. */
  readonly disk: DiskWatermark;
  /** False when this connection sent presence faster than its rate (§12.3); the frame is then dropped. */
  presenceAllowed(): boolean;
  /** Sends a binary frame to this connection (bounded by the slow-consumer limit). */
  sendFrame(frame: Uint8Array): void;
  /**
   * Resolves once this connection's send queue is down to the stream budget (limits/stream-budget.ts): true, or
   * false when the socket closed meanwhile
   * (the stream then stops). Streaming answers await it before each frame, never under the vault lock.
   */
  drained(): Promise<boolean>;
  /** The session once authenticated. */
  auth: { vault: VaultHandle; principal: number; self: HubSession } | undefined;
  /** The challenge of this connection's welcome; single use. */
  challenge: Uint8Array | undefined;
  /** Called after authentication so the connection can register itself with the vault. */
  onAuthenticated(vault: VaultHandle, principal: number): void;
}
