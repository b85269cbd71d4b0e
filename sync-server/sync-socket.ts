import type { WebSocket } from 'ws';
import { NOTICE } from '#protocol';
import type { Clock } from './clock.ts';
import { createTokenBucket, type TokenBucket } from './limits/token-bucket.ts';
import type { RelayLimits } from './limits/relay-limits.ts';
import type { SocketGate } from './limits/socket-gate.ts';
import type { DiskWatermark } from './limits/disk-watermark.ts';
import type { VaultAdmission } from './limits/vault-admission.ts';
import { streamBudget } from './limits/stream-budget.ts';
import { SocketMonitor } from './limits/socket-monitor.ts';
import type { Logger } from './logger.ts';
import type { RelayIdentity } from './relay-identity.ts';
import { welcome } from './session/auth-handlers.ts';
import { dispatchFrame } from './session/dispatch-frame.ts';
import { readBinaryFrame, readHello } from './session/read-client-frame.ts';
import { encodeNotice, relayFrame } from './session/relay-frame.ts';
import type { RelayFaults, SessionContext } from './session/session-context.ts';
import { SocketSender, type SenderOptions } from './session/socket-sender.ts';
import { WireError } from './session/wire-error.ts';
import type { RelayStore } from './store/relay-store.ts';
import type { HubSession, VaultHandle, VaultHub } from './hub/vault-hub.ts';
import type { RelayMetrics } from './metrics/relay-metrics.ts';

/** Refusals in a row after which a flooding connection is closed (1008) instead of answered again. */
const MAX_RATE_REFUSALS = 50;
/** Presence frames per second a connection may send before they are dropped (§12.3). */
const PRESENCE_PER_SECOND = 20;
/** Where every connection's frame chain starts: one settled promise for all. */
const SETTLED: Promise<void> = Promise.resolve();

/** The open connections, each swept about once a second (stall, ping, authentication deadline). */
export interface SocketRegistry {
  set(ws: WebSocket, connection: SyncConnection): void;
  delete(ws: WebSocket): void;
}

/** What the relay's `/sync` endpoint (sync-endpoint.ts) calls for one connection. */
export interface SocketEvents {
  onOpen(ws: WebSocket): void;
  /** A text message (the JSON handshake) as a string, a binary one as its bytes. */
  onMessage(data: string | Uint8Array): void;
  onPong(): void;
  onClose(ws: WebSocket): void;
}

/** What every connection of one relay shares: made once by createRelay, never copied per connection. */
export interface SocketShared {
  sockets: SocketRegistry;
  logger: Logger;
  clock: Clock;
  limits: RelayLimits;
  store: RelayStore;
  hub: VaultHub;
  identity: RelayIdentity;
  origin: () => string;
  random: (n: number) => Uint8Array;
  faults: RelayFaults;
  gate: SocketGate;
  admission: VaultAdmission;
  disk: DiskWatermark;
  metrics: Pick<RelayMetrics, 'connectionOpened' | 'received' | 'sent' | 'refused' | 'handled'>;
  /** The sender options every connection uses (limits and stream budget), computed once. */
  sender: SenderOptions;
}

export function socketShared(deps: Omit<SocketShared, 'sender'>): SocketShared {
  return {
    ...deps,
    sender: {
      maxBufferedBytes: deps.limits.maxBufferedBytes,
      drainBelow: streamBudget(deps.limits).drainBelow,
      logger: deps.logger,
      metrics: deps.metrics,
    },
  };
}

/**
 * One `/sync` connection: JSON handshake, then binary frames (PROTOCOL.md §11-13). Parsing is in
 * read-client-frame.ts, the frame handlers in dispatch-frame.ts, sending and closing in socket-sender.ts; this
 * class ties them to the socket's life (admission, rate, authentication deadline, stall monitor) and is the
 * context its handlers see (SessionContext) and the session the vault fans out to (HubSession). Every refusal is
 * an error frame with a wire code; an unexpected exception becomes `internal`, logged with a correlation id,
 * never a crash.
 *
 * A class rather than a closure: an idle connection is most of what a relay holds, and per-connection closures
 * (about thirty) cost more than its fields. What every connection shares lives once in `SocketShared`.
 */
export class SyncConnection implements SessionContext, HubSession, SocketEvents {
  // HubSession
  principal = -1;
  subscriptions: HubSession['subscriptions'] = undefined;
  live = false;
  // SessionContext
  invite: string | undefined = undefined;
  auth: SessionContext['auth'] = undefined;
  challenge: Uint8Array | undefined = undefined;

  readonly #out: SocketSender;
  readonly #monitor: SocketMonitor;
  readonly #bucket: TokenBucket;
  readonly #presence: TokenBucket;
  #refusedInRow = 0;
  #welcomed = false;
  #entered = false;
  /** When the connection must have authenticated by (checked by the sweep); 0 once it has, or never opened. */
  #authBy = 0;
  #inOrder: Promise<void> = SETTLED;
  /** rid of the frame being handled, echoed in the SESSION that answers AUTH or VAULT_CREATE. */
  #currentRid = 0;

  constructor(
    private readonly shared: SocketShared,
    /** The client's address (after trusted proxies), for the per-address caps. */
    readonly address: string,
    /** False when the client's address opened too many connections this minute. */
    private readonly admitted: boolean,
  ) {
    const { clock, limits } = shared;
    this.#out = new SocketSender(shared.sender);
    this.#monitor = new SocketMonitor(clock.now(), limits, this.#out);
    this.#bucket = createTokenBucket({ perSecond: limits.messagesPerSecond, burst: limits.messageBurst, clock });
    this.#presence = createTokenBucket({ perSecond: PRESENCE_PER_SECOND, burst: PRESENCE_PER_SECOND, clock });
  }

  get store(): RelayStore {
    return this.shared.store;
  }
  get hub(): VaultHub {
    return this.shared.hub;
  }
  get identity(): RelayIdentity {
    return this.shared.identity;
  }
  get origin(): () => string {
    return this.shared.origin;
  }
  get clock(): Clock {
    return this.shared.clock;
  }
  get limits(): RelayLimits {
    return this.shared.limits;
  }
  get logger(): Logger {
    return this.shared.logger;
  }
  get faults(): RelayFaults {
    return this.shared.faults;
  }
  get admission(): VaultAdmission {
    return this.shared.admission;
  }
  get disk(): DiskWatermark {
    return this.shared.disk;
  }

  presenceAllowed(): boolean {
    return this.#presence.take();
  }

  sendFrame(frame: Uint8Array): void {
    this.#out.send(frame);
  }

  drained(): Promise<boolean> {
    return this.#out.drained();
  }

  /** HubSession: a frame fanned out to this connection. */
  send(frame: Uint8Array): void {
    this.#out.send(frame);
  }

  /** HubSession: this principal was removed: say so, then close. */
  end(): void {
    this.#out.send(encodeNotice(NOTICE.SESSION_ENDS, 0));
    this.#out.close(1008, 'revoked');
  }

  onAuthenticated(vault: VaultHandle, principal: number): void {
    this.principal = principal;
    this.auth = { vault, principal, self: this };
    vault.sessions.add(this);
    this.#authBy = 0;
    const head = vault.membership.head;
    this.#out.send(
      relayFrame(this.#currentRid, {
        type: 'SESSION',
        principal,
        headSeq: head?.seq ?? 0,
        headHash: head?.hash ?? new Uint8Array(32),
        epoch: vault.membership.epoch,
        currentRv: vault.rv,
      }),
    );
  }

  /** The relay-wide sweep: the stall and ping checks, and the authentication deadline. */
  tick(now: number): void {
    if (this.#authBy !== 0 && now >= this.#authBy) {
      this.#authBy = 0;
      if (this.auth === undefined) this.#out.sendError('auth_timeout', 'authenticate sooner after connecting');
      return;
    }
    this.#monitor.tick(now);
  }

  onOpen(ws: WebSocket): void {
    this.#out.attach(ws);
    this.shared.metrics.connectionOpened();
    if (!this.admitted) {
      this.#out.sendError('too_many_connections', 'too many connections from this address; wait a minute');
      return;
    }
    const refusal = this.shared.gate.enter(this.address);
    if (refusal !== undefined) {
      this.#out.sendError(
        'too_many_connections',
        refusal === 'address' ? 'too many open connections from this address' : 'the relay is full; try later',
      );
      return;
    }
    this.#entered = true;
    this.shared.sockets.set(ws, this);
    this.#authBy = this.shared.clock.now() + this.shared.limits.authTimeoutMs;
  }

  onMessage(data: string | Uint8Array): void {
    if (!this.#bucket.take()) {
      if (++this.#refusedInRow > MAX_RATE_REFUSALS) this.#out.close(1008, 'rate_limited');
      else
        this.#out.sendError('rate_limited', 'too many messages; slow down', {
          retryAfterMs: Math.ceil(1000 / this.shared.limits.messagesPerSecond),
        });
      return;
    }
    this.#refusedInRow = 0;
    this.shared.metrics.received(data);
    if (typeof data === 'string') this.#onText(data);
    else {
      // Frames of one connection are handled one after the other, in arrival order (chunks, pushes).
      const arrived = performance.now();
      this.#inOrder = this.#inOrder.then(() => this.#onBinary(data, arrived));
    }
  }

  onPong(): void {
    this.#monitor.pong();
  }

  onClose(ws: WebSocket): void {
    this.#out.markClosed();
    this.#authBy = 0;
    this.auth?.vault.sessions.delete(this);
    this.shared.sockets.delete(ws);
    if (this.#entered) this.shared.gate.leave(this.address);
    this.#entered = false;
  }

  #onText(data: string): void {
    const read = readHello(data);
    if (!read.ok) {
      this.#out.sendError(read.code, read.message);
      return;
    }
    this.#welcomed = true;
    this.invite = read.hello.invite;
    this.#out.send(JSON.stringify(welcome(this, read.hello, this.shared.random)));
  }

  async #onBinary(bytes: Uint8Array, arrived: number): Promise<void> {
    if (!this.#welcomed) {
      this.#out.sendError('handshake_required', 'send hello first');
      return;
    }
    const read = readBinaryFrame(bytes, this.auth !== undefined);
    if (!read.ok) {
      this.#out.sendError(read.code, read.message, read.rid === undefined ? {} : { rid: read.rid });
      return;
    }
    const { rid, frame } = read;
    this.#currentRid = rid;
    try {
      await dispatchFrame(this, rid, frame);
      this.shared.metrics.handled(bytes, (performance.now() - arrived) / 1000);
    } catch (error) {
      if (error instanceof WireError) {
        this.#out.sendError(error.code, error.message, { rid, ...error.extra });
        return;
      }
      const id = Buffer.from(this.shared.random(6)).toString('hex');
      this.shared.logger.error('frame failed', {
        correlation: id,
        error: error instanceof Error ? error : String(error),
      });
      this.#out.sendError('internal', `unexpected relay error (ref ${id})`, { rid });
    }
  }
}
