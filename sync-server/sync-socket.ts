import * as v from 'valibot';
import type { WSContext, WSEvents } from 'hono/ws';
import {
  CLIENT_FRAME,
  ClientTextFrame,
  decodeClientPayload,
  NOTICE,
  PROTOCOL_VERSION,
  splitFrame,
  WIRE_ERRORS,
  type ErrorFrame,
  type WireErrorCode,
} from '#protocol';
import type { Clock } from './clock.ts';
import { createTokenBucket } from './limits/token-bucket.ts';
import type { RelayLimits } from './limits/relay-limits.ts';
import type { SocketGate } from './limits/socket-gate.ts';
import type { DiskWatermark } from './limits/disk-watermark.ts';
import type { VaultAdmission } from './limits/vault-admission.ts';
import { createSocketMonitor, type SocketMonitor } from './limits/socket-monitor.ts';
import type { Logger } from './logger.ts';
import type { RelayIdentity } from './relay-identity.ts';
import { handleAuth, handleVaultCreate, welcome } from './session/auth-handlers.ts';
import { handleBlobChunk, handleBlobGet, handleBlobPut } from './session/blob-handlers.ts';
import { handleMemberAppend, handleMemberGet, handleWrapGet } from './session/membership-handlers.ts';
import {
  handleFetch,
  handlePresence,
  handlePush,
  handleSnapshotPut,
  handleSync,
  handleUnsubscribe,
} from './session/record-handlers.ts';
import { encodeNotice, relayFrame } from './session/relay-frame.ts';
import type { RelayFaults, SessionContext } from './session/session-context.ts';
import { WireError } from './session/wire-error.ts';
import type { RelayStore } from './store/relay-store.ts';
import type { HubSession, VaultHub } from './hub/vault-hub.ts';

/** Largest handshake text frame we parse; anything bigger is refused before JSON.parse. */
const MAX_TEXT_FRAME = 4096;
/** Refusals in a row after which a flooding connection is closed (1008) instead of answered again. */
const MAX_RATE_REFUSALS = 50;

export interface SocketRegistry {
  set(ws: WSContext, monitor: SocketMonitor): void;
  delete(ws: WSContext): void;
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
}

type Raw =
  | {
      bufferedAmount?: number;
      ping?: () => void;
      terminate?: () => void;
      on?: (event: 'pong', listener: () => void) => void;
    }
  | undefined;

/**
 * Handlers of one `/sync` connection: JSON handshake, then binary frames (PROTOCOL.md §11-13). Every input is
 * parsed before use; every refusal is an error frame with a wire code (and the close §21.1 gives it); an
 * unexpected exception becomes `internal`, logged with a correlation id, never a crash.
 */
export function syncSocketEvents(deps: SocketDeps): WSEvents {
  const bucket = createTokenBucket({
    perSecond: deps.limits.messagesPerSecond,
    burst: deps.limits.messageBurst,
    clock: deps.clock,
  });
  const presence = createTokenBucket({ perSecond: 20, burst: 20, clock: deps.clock });
  let refusedInRow = 0;
  let welcomed = false;
  let socket: WSContext | undefined;
  let authTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let inOrder: Promise<void> = Promise.resolve();
  /** rid of the frame being handled, echoed in the SESSION that answers AUTH or VAULT_CREATE. */
  let currentRid = 0;

  let entered = false;
  const raw = (): Raw => socket?.raw as Raw;
  const buffered = (): number => raw()?.bufferedAmount ?? 0;
  const close = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    socket?.close(code, reason);
  };
  const sendRaw = (data: string | Uint8Array): void => {
    if (closed || socket === undefined) return;
    // A reader too slow to drain its queue is cut off (1013) so one client cannot make the relay buffer forever.
    if (buffered() + data.length > deps.limits.maxBufferedBytes) {
      close(1013, 'slow_consumer');
      return;
    }
    socket.send(data as string | Uint8Array<ArrayBuffer>);
  };
  const sendError = (
    code: WireErrorCode,
    message: string,
    extra: Omit<ErrorFrame, 'type' | 'code' | 'message'> = {},
  ): void => {
    sendRaw(JSON.stringify({ type: 'error', code, message, ...extra } satisfies ErrorFrame));
    const closeCode = WIRE_ERRORS[code].close;
    if (closeCode !== undefined) close(closeCode, code);
  };
  const drained = async (): Promise<boolean> => {
    while (!closed && buffered() > 1024 * 1024) await new Promise((r) => setTimeout(r, 5));
    return !closed;
  };

  /**
   * Cuts the TCP connection at once, without a close frame: a reader that does not read would never receive
   * one, and the close handshake would keep its queue pinned for another 30 s.
   */
  const cut = (why: string): void => {
    if (closed) return;
    deps.logger.info('socket cut', { why, buffered: buffered() });
    closed = true;
    raw()?.terminate?.();
  };
  const monitor = createSocketMonitor({
    now: deps.clock.now(),
    limits: deps.limits,
    buffered,
    ping: () => raw()?.ping?.(),
    cut,
  });

  const self: HubSession = {
    principal: -1,
    subscriptions: undefined,
    live: false,
    send: (frame) => sendRaw(frame),
    end: () => {
      sendRaw(encodeNotice(NOTICE.SESSION_ENDS, 0));
      close(1008, 'revoked');
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
    sendFrame: (frame) => sendRaw(frame),
    drained,
    auth: undefined,
    challenge: undefined,
    onAuthenticated: (vault, principal) => {
      (self as { principal: number }).principal = principal;
      ctx.auth = { vault, principal, self };
      vault.sessions.add(self);
      clearTimeout(authTimer);
      const head = vault.membership.head;
      sendRaw(
        joinSession(
          currentRid,
          principal,
          head?.seq ?? 0,
          head?.hash ?? new Uint8Array(32),
          vault.membership.epoch,
          vault.rv,
        ),
      );
    },
  };

  const onText = (data: string): void => {
    if (data.length > MAX_TEXT_FRAME) {
      sendError('frame_too_large', `text frames are limited to ${MAX_TEXT_FRAME} characters`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      sendError('bad_frame', 'frame is not valid JSON');
      return;
    }
    const parsed = v.safeParse(ClientTextFrame, json);
    if (!parsed.success) {
      const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
      sendError(type === 'hello' ? 'bad_frame' : 'unknown_frame', 'frame does not match any known frame');
      return;
    }
    if (!parsed.output.versions.includes(PROTOCOL_VERSION)) {
      sendError('unsupported_version', `this relay speaks version ${PROTOCOL_VERSION}`);
      return;
    }
    welcomed = true;
    ctx.invite = parsed.output.invite;
    sendRaw(JSON.stringify(welcome(ctx, parsed.output, deps.random)));
  };

  const onBinary = async (bytes: Uint8Array): Promise<void> => {
    if (!welcomed) {
      sendError('handshake_required', 'send hello first');
      return;
    }
    let rid = 0;
    try {
      let raw;
      try {
        raw = splitFrame(bytes);
      } catch {
        // Too short for a header, or a rid varint that is overlong: a client error, not a relay failure.
        sendError('bad_frame', 'frame header does not parse');
        return;
      }
      rid = raw.rid;
      currentRid = rid;
      if (raw.version !== PROTOCOL_VERSION) {
        sendError('unsupported_version', 'unknown frame version', { rid });
        return;
      }
      let frame;
      try {
        frame = decodeClientPayload(raw.type, raw.payload);
      } catch {
        sendError('bad_frame', 'payload does not parse', { rid });
        return;
      }
      if (frame === undefined) {
        sendError('unknown_frame', `frame type ${raw.type} is not served`, { rid });
        return;
      }
      if (ctx.auth === undefined && raw.type !== CLIENT_FRAME.AUTH && raw.type !== CLIENT_FRAME.VAULT_CREATE) {
        sendError('not_authenticated', 'authenticate first', { rid });
        return;
      }
      switch (frame.type) {
        case 'AUTH':
          return await handleAuth(ctx, frame).then(() => undefined);
        case 'VAULT_CREATE': {
          await handleVaultCreate(ctx, frame);
          return;
        }
        case 'MEMBER_GET': {
          await handleMemberGet(ctx, rid, frame);
          return;
        }
        case 'MEMBER_APPEND': {
          await handleMemberAppend(ctx, rid, frame);
          return;
        }
        case 'WRAP_GET': {
          await handleWrapGet(ctx, rid, frame);
          return;
        }
        case 'SYNC': {
          await handleSync(ctx, rid, frame);
          return;
        }
        case 'PUSH': {
          await handlePush(ctx, rid, frame);
          return;
        }
        case 'SNAPSHOT_PUT': {
          await handleSnapshotPut(ctx, rid, frame);
          return;
        }
        case 'FETCH': {
          await handleFetch(ctx, rid, frame);
          return;
        }
        case 'PRESENCE':
          // Beyond 20 per second presence is dropped silently: it is cosmetic (§12.3).
          if (presence.take()) handlePresence(ctx, frame);
          return;
        case 'UNSUBSCRIBE': {
          handleUnsubscribe(ctx, rid, frame);
          return;
        }
        case 'BLOB_PUT': {
          await handleBlobPut(ctx, rid, frame);
          return;
        }
        case 'BLOB_CHUNK': {
          await handleBlobChunk(ctx, rid, frame);
          return;
        }
        case 'BLOB_GET': {
          await handleBlobGet(ctx, rid, frame);
          return;
        }
      }
    } catch (error) {
      if (error instanceof WireError) {
        sendError(error.code, error.message, { rid, ...error.extra });
        return;
      }
      const id = deps.random(6);
      deps.logger.error('frame failed', {
        correlation: Buffer.from(id).toString('hex'),
        error: error instanceof Error ? error : String(error),
      });
      sendError('internal', `unexpected relay error (ref ${Buffer.from(id).toString('hex')})`, { rid });
      return;
    }
  };

  return {
    onOpen: (_event, ws) => {
      socket = ws;
      if (!deps.admitted) {
        sendError('too_many_connections', 'too many connections from this address; wait a minute');
        return;
      }
      const refusal = deps.gate.enter(deps.address);
      if (refusal !== undefined) {
        sendError(
          'too_many_connections',
          refusal === 'address' ? 'too many open connections from this address' : 'the relay is full; try later',
        );
        return;
      }
      entered = true;
      raw()?.on?.('pong', () => monitor.pong());
      deps.sockets.set(ws, monitor);
      authTimer = setTimeout(() => {
        if (ctx.auth === undefined) sendError('auth_timeout', 'authenticate sooner after connecting');
      }, deps.limits.authTimeoutMs);
      authTimer.unref();
    },
    onMessage: (event, ws) => {
      socket = ws;
      if (!bucket.take()) {
        if (++refusedInRow > MAX_RATE_REFUSALS) close(1008, 'rate_limited');
        else
          sendError('rate_limited', 'too many messages; slow down', {
            retryAfterMs: Math.ceil(1000 / deps.limits.messagesPerSecond),
          });
        return;
      }
      refusedInRow = 0;
      const data: unknown = event.data;
      if (typeof data === 'string') onText(data);
      else if (data instanceof ArrayBuffer) {
        // Frames of one connection are handled one after the other, in arrival order (chunks, pushes).
        const bytes = new Uint8Array(data);
        inOrder = inOrder.then(() => onBinary(bytes));
      } else sendError('bad_frame', 'unsupported message type');
    },
    onClose: (_event, ws) => {
      closed = true;
      clearTimeout(authTimer);
      ctx.auth?.vault.sessions.delete(self);
      deps.sockets.delete(ws);
      if (entered) deps.gate.leave(deps.address);
      entered = false;
    },
  };
}

function joinSession(
  rid: number,
  principal: number,
  headSeq: number,
  headHash: Uint8Array,
  epoch: number,
  currentRv: number,
): Uint8Array {
  return relayFrame(rid, { type: 'SESSION', principal, headSeq, headHash, epoch, currentRv });
}
