import type { WebSocket } from 'ws';
import { NOTICE } from '#protocol';
import type { Clock } from './clock.ts';
import { createTokenBucket } from './limits/token-bucket.ts';
import type { RelayLimits } from './limits/relay-limits.ts';
import type { SocketGate } from './limits/socket-gate.ts';
import type { DiskWatermark } from './limits/disk-watermark.ts';
import type { VaultAdmission } from './limits/vault-admission.ts';
import { streamBudget } from './limits/stream-budget.ts';
import { createSocketMonitor, type SocketMonitor } from './limits/socket-monitor.ts';
import type { Logger } from './logger.ts';
import type { RelayIdentity } from './relay-identity.ts';
import { welcome } from './session/auth-handlers.ts';
import { dispatchFrame } from './session/dispatch-frame.ts';
import { readBinaryFrame, readHello } from './session/read-client-frame.ts';
import { encodeNotice, relayFrame } from './session/relay-frame.ts';
import type { RelayFaults, SessionContext } from './session/session-context.ts';
import { createSocketSender } from './session/socket-sender.ts';
import { WireError } from './session/wire-error.ts';
import type { RelayStore } from './store/relay-store.ts';
import type { HubSession, VaultHub } from './hub/vault-hub.ts';
import type { RelayMetrics } from './metrics/relay-metrics.ts';

/** Refusals in a row after which a flooding connection is closed (1008) instead of answered again. */
const MAX_RATE_REFUSALS = 50;
/** Presence frames per second a connection may send before they are dropped (§12.3). */
const PRESENCE_PER_SECOND = 20;

export interface SocketRegistry {
  set(ws: WebSocket, monitor: SocketMonitor): void;
  delete(ws: WebSocket): void;
}

/** What the relay's `/sync` endpoint (sync-endpoint.ts) calls for one connection. */
export interface SocketEvents {
  onOpen(ws: WebSocket): void;
  /** A text message (the JSON handshake) as a string, a binary one as its bytes. */
  onMessage(data: string | Uint8Array): void;
  onClose(ws: WebSocket): void;
}

export interface SocketDeps {
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
  /** False when the client's address opened too many connections this minute. */
  admitted: boolean;
  /** The client's address, and the cap on sockets open at once (per address and in total). */
  address: string;
  gate: SocketGate;
  admission: VaultAdmission;
  disk: DiskWatermark;
  metrics: Pick<RelayMetrics, 'connectionOpened' | 'received' | 'sent' | 'refused' | 'handled'>;
}

/**
 * Handlers of one `/sync` connection: JSON handshake, then binary frames (PROTOCOL.md §11-13). Parsing is in
 * read-client-frame.ts, the frame handlers in dispatch-frame.ts, sending and closing in socket-sender.ts; this
 * file ties them to the socket's life (admission, rate, auth timeout, stall monitor). Every refusal is an error
 * frame with a wire code; an unexpected exception becomes `internal`, logged with a correlation id, never a crash.
 */
export function syncSocketEvents(deps: SocketDeps): SocketEvents {
  const bucket = createTokenBucket({
    perSecond: deps.limits.messagesPerSecond,
    burst: deps.limits.messageBurst,
    clock: deps.clock,
  });
  const presence = createTokenBucket({ perSecond: PRESENCE_PER_SECOND, burst: PRESENCE_PER_SECOND, clock: deps.clock });
  const out = createSocketSender({
    maxBufferedBytes: deps.limits.maxBufferedBytes,
    drainBelow: streamBudget(deps.limits).drainBelow,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  let refusedInRow = 0;
  let welcomed = false;
  let authTimer: ReturnType<typeof setTimeout> | undefined;
  let inOrder: Promise<void> = Promise.resolve();
  /** rid of the frame being handled, echoed in the SESSION that answers AUTH or VAULT_CREATE. */
  let currentRid = 0;
  let entered = false;

  const monitor = createSocketMonitor({
    now: deps.clock.now(),
    limits: deps.limits,
    buffered: out.buffered,
    ping: out.ping,
    cut: out.cut,
  });

  const self: HubSession = {
    principal: -1,
    subscriptions: undefined,
    live: false,
    send: out.send,
    end: () => {
      out.send(encodeNotice(NOTICE.SESSION_ENDS, 0));
      out.close(1008, 'revoked');
    },
  };

  const ctx: SessionContext = {
    store: deps.store,
    hub: deps.hub,
    identity: deps.identity,
    origin: deps.origin,
    clock: deps.clock,
    limits: deps.limits,
    logger: deps.logger,
    faults: deps.faults,
    address: deps.address,
    invite: undefined,
    admission: deps.admission,
    disk: deps.disk,
    presenceAllowed: () => presence.take(),
    sendFrame: out.send,
    drained: out.drained,
    auth: undefined,
    challenge: undefined,
    onAuthenticated: (vault, principal) => {
      (self as { principal: number }).principal = principal;
      ctx.auth = { vault, principal, self };
      vault.sessions.add(self);
      clearTimeout(authTimer);
      const head = vault.membership.head;
      out.send(
        relayFrame(currentRid, {
          type: 'SESSION',
          principal,
          headSeq: head?.seq ?? 0,
          headHash: head?.hash ?? new Uint8Array(32),
          epoch: vault.membership.epoch,
          currentRv: vault.rv,
        }),
      );
    },
  };

  const onText = (data: string): void => {
    const read = readHello(data);
    if (!read.ok) {
      out.sendError(read.code, read.message);
      return;
    }
    welcomed = true;
    ctx.invite = read.hello.invite;
    out.send(JSON.stringify(welcome(ctx, read.hello, deps.random)));
  };

  const onBinary = async (bytes: Uint8Array, arrived: number): Promise<void> => {
    if (!welcomed) {
      out.sendError('handshake_required', 'send hello first');
      return;
    }
    const read = readBinaryFrame(bytes, ctx.auth !== undefined);
    if (!read.ok) {
      out.sendError(read.code, read.message, read.rid === undefined ? {} : { rid: read.rid });
      return;
    }
    const { rid, frame } = read;
    currentRid = rid;
    try {
      await dispatchFrame(ctx, rid, frame);
      deps.metrics.handled(bytes, (performance.now() - arrived) / 1000);
    } catch (error) {
      if (error instanceof WireError) {
        out.sendError(error.code, error.message, { rid, ...error.extra });
        return;
      }
      const id = Buffer.from(deps.random(6)).toString('hex');
      deps.logger.error('frame failed', { correlation: id, error: error instanceof Error ? error : String(error) });
      out.sendError('internal', `unexpected relay error (ref ${id})`, { rid });
    }
  };

  return {
    onOpen: (ws) => {
      out.attach(ws);
      deps.metrics.connectionOpened();
      if (!deps.admitted) {
        out.sendError('too_many_connections', 'too many connections from this address; wait a minute');
        return;
      }
      const refusal = deps.gate.enter(deps.address);
      if (refusal !== undefined) {
        out.sendError(
          'too_many_connections',
          refusal === 'address' ? 'too many open connections from this address' : 'the relay is full; try later',
        );
        return;
      }
      entered = true;
      out.onPong(() => monitor.pong());
      deps.sockets.set(ws, monitor);
      authTimer = setTimeout(() => {
        if (ctx.auth === undefined) out.sendError('auth_timeout', 'authenticate sooner after connecting');
      }, deps.limits.authTimeoutMs);
      authTimer.unref();
    },
    onMessage: (data) => {
      if (!bucket.take()) {
        if (++refusedInRow > MAX_RATE_REFUSALS) out.close(1008, 'rate_limited');
        else
          out.sendError('rate_limited', 'too many messages; slow down', {
            retryAfterMs: Math.ceil(1000 / deps.limits.messagesPerSecond),
          });
        return;
      }
      refusedInRow = 0;
      deps.metrics.received(data);
      if (typeof data === 'string') onText(data);
      else {
        // Frames of one connection are handled one after the other, in arrival order (chunks, pushes).
        const arrived = performance.now();
        inOrder = inOrder.then(() => onBinary(data, arrived));
      }
    },
    onClose: (ws) => {
      out.markClosed();
      clearTimeout(authTimer);
      ctx.auth?.vault.sessions.delete(self);
      deps.sockets.delete(ws);
      if (entered) deps.gate.leave(deps.address);
      entered = false;
    },
  };
}
