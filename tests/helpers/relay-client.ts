// A test client of the relay protocol (PROTOCOL.md §11-13) over a real WebSocket: handshake with the relay's
// signature checked, binary frames with request ids, and helpers that build real signed vaults and envelopes.
import WebSocket from 'ws';
import { concat, hash, sign, sodium, u64be, verify, vstr } from '#crypto';
import { sealKeyringWrap } from '#crypto/keyring-wrap';
import { sealSnapshot, sealUpdate } from '#crypto/envelope';
import { indexKey, recordKey } from '#crypto/record-keys';
import {
  CLIENT_FRAME,
  keyringRecipients,
  decodeRelayPayload,
  encodeClientPayload,
  joinFrame,
  splitFrame,
  type ClientFrame,
  type ErrorFrame,
  type RelayFrame,
} from '#protocol';
import { authMessage } from '#sync-server/session/auth-handlers';
import type { MembershipLogBuilder } from './membership-log-builder.ts';

export type Reply = RelayFrame | ErrorFrame;

export class RelayClient {
  readonly ws: WebSocket;
  readonly pushes: RelayFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  challenge = new Uint8Array(0);
  #rid = 0;
  #waiters = new Map<number, (reply: Reply) => void>();
  #textWaiter: ((frame: unknown) => void) | undefined;
  #pushWaiters: ((frame: RelayFrame) => void)[] = [];
  /** Frames without a waiting request that nobody has taken with nextPush() yet. */
  #unread: RelayFrame[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        const frame = JSON.parse(data.toString('utf8')) as { type: string; rid?: number };
        if (frame.type === 'error' && frame.rid !== undefined && this.#waiters.has(frame.rid)) {
          this.#take(frame.rid)(frame as ErrorFrame);
        } else this.#textWaiter?.(frame);
        return;
      }
      const raw = splitFrame(new Uint8Array(data));
      const frame = decodeRelayPayload(raw.type, raw.payload);
      if (frame === undefined) throw new Error(`undecodable relay frame ${raw.type}`);
      if (raw.rid !== 0 && this.#waiters.has(raw.rid)) this.#take(raw.rid)(frame);
      else {
        this.pushes.push(frame);
        const waiter = this.#pushWaiters.shift();
        if (waiter === undefined) this.#unread.push(frame);
        else waiter(frame);
      }
    });
  }

  #take(rid: number): (reply: Reply) => void {
    const waiter = this.#waiters.get(rid);
    this.#waiters.delete(rid);
    return waiter ?? (() => undefined);
  }

  /** Connects and completes the handshake, checking the welcome's signature with the pinned relay key. */
  static async connect(
    url: string,
    relayPk: Uint8Array,
    origin: string,
    extra: { invite?: string } = {},
  ): Promise<RelayClient> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const client = new RelayClient(ws);
    const nonce = sodium().randombytes_buf(32);
    // A relay that dies between `open` and `welcome` must fail the connect, not leave it waiting forever.
    const hello = client.text({
      type: 'hello',
      versions: [1],
      nonce: Buffer.from(nonce).toString('base64url'),
      ...extra,
    });
    const lost = client.closed.then(({ code }) => {
      throw new Error(`connection closed (${code}) before welcome`);
    });
    const welcome = (await Promise.race([hello, lost])) as {
      challenge: string;
      time: number;
      sig: string;
    };
    const challenge = Uint8Array.from(Buffer.from(welcome.challenge, 'base64url'));
    const signed = concat(nonce, challenge, u64be(BigInt(welcome.time)), vstr(origin, 255));
    if (!verify(relayPk, 'carnet/v1/relay-hello', signed, Uint8Array.from(Buffer.from(welcome.sig, 'base64url')))) {
      throw new Error('welcome signature does not verify');
    }
    client.challenge = challenge;
    return client;
  }

  text(frame: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      this.#textWaiter = resolve;
      this.ws.send(JSON.stringify(frame));
    });
  }

  /** Sends a frame; resolves with the first answer carrying its rid (an error frame or a relay frame). */
  request(frame: ClientFrame): Promise<Reply> {
    const rid = ++this.#rid;
    return new Promise((resolve) => {
      this.#waiters.set(rid, resolve);
      this.ws.send(joinFrame(CLIENT_FRAME[frame.type], rid, encodeClientPayload(frame)));
    });
  }

  /** All answers of a SYNC up to SYNC_DONE. */
  async sync(sinceRv: number, live: boolean, scope: Uint8Array[] = []): Promise<RelayFrame[]> {
    const rid = ++this.#rid;
    const frames: RelayFrame[] = [];
    await new Promise<void>((resolve) => {
      const onReply = (reply: Reply): void => {
        if (reply.type === 'error') throw new Error(`sync refused: ${reply.code}`);
        frames.push(reply);
        if (reply.type === 'SYNC_DONE') resolve();
        else this.#waiters.set(rid, onReply);
      };
      this.#waiters.set(rid, onReply);
      this.ws.send(joinFrame(CLIENT_FRAME.SYNC, rid, encodeClientPayload({ type: 'SYNC', sinceRv, live, scope })));
    });
    return frames;
  }

  /** The next frame that answers no pending request (relay pushes, and the later frames of a streamed answer). */
  nextPush(): Promise<RelayFrame> {
    const ready = this.#unread.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.#pushWaiters.push(resolve));
  }

  close(): void {
    this.ws.close();
  }
}

/** The relay origin the test relay signs with when no public origin is configured. */
export const localOrigin = (port: number): string => `http://localhost:${port}`;

/** VAULT_CREATE for a builder's genesis: wraps for device 2 and the recovery principal, and an index snapshot. */
export async function createVault(
  client: RelayClient,
  log: MembershipLogBuilder,
  origin: string,
  options: { indexPadding?: number } = {},
): Promise<Reply> {
  const device = log.keys.get(2);
  const recovery = log.keys.get(1);
  const head = log.state.head;
  if (device === undefined || recovery === undefined || head === null) throw new Error('call log.genesis() first');
  const wraps = [1, 2].map((recipient) =>
    sealKeyringWrap({ epoch: 0, recipient, author: 2, mhead: 0 }, log.epochSecrets.slice(0, 1), {
      vaultId: log.vaultId,
      headHash: head.hash,
      recipientBoxPk: (recipient === 1 ? recovery : device).boxPk,
      authorSk: device.sigSk,
    }),
  );
  const indexId = Uint8Array.from(Buffer.from(log.state.indexId, 'hex'));
  const secret = log.epochSecrets[0] ?? new Uint8Array(32);
  const indexSnapshot = sealSnapshot(
    { author: 2, epoch: 0, mhead: 0, coverage: [] },
    { yjsState: new Uint8Array([0, 0]), time: 0, attribution: [] },
    { vaultId: log.vaultId, recordId: indexId, key: indexKey(secret, 0), authorSk: device.sigSk, headHash: head.hash },
  );
  const time = BigInt(Date.now());
  const sig = sign(device.sigSk, 'carnet/v1/auth', authMessage(client.challenge, origin, time, log.vaultId, 2));
  return client.request({
    type: 'VAULT_CREATE',
    time,
    sig,
    genesis: log.entries[0] ?? new Uint8Array(0),
    wraps,
    // Padding after a real sealed snapshot: the relay reads only its header, as an attacker reusing one would.
    indexSnapshot:
      options.indexPadding === undefined ? indexSnapshot : concat(indexSnapshot, new Uint8Array(options.indexPadding)),
  });
}

/** AUTH as `principal` of the builder's vault. */
export function authenticate(
  client: RelayClient,
  log: MembershipLogBuilder,
  origin: string,
  principal: number,
  time = BigInt(Date.now()),
): Promise<Reply> {
  const key = log.keys.get(principal);
  if (key === undefined) throw new Error(`no key for ${principal}`);
  const sig = sign(key.sigSk, 'carnet/v1/auth', authMessage(client.challenge, origin, time, log.vaultId, principal));
  return client.request({ type: 'AUTH', vaultId: log.vaultId, principal, time, sig });
}

/** A real sealed update envelope of `author` for `recordId` at the builder's current head and epoch. */
export function updateEnvelope(
  log: MembershipLogBuilder,
  author: number,
  recordId: Uint8Array,
  seq: number,
  yjs = new Uint8Array([1, 2, 3]),
  epoch = log.state.epoch,
  cited?: { mhead: number; headHash: Uint8Array },
): Uint8Array {
  const head =
    log.state.head === null ? null : cited === undefined ? log.state.head : { seq: cited.mhead, hash: cited.headHash };
  const key = log.keys.get(author);
  const secret = log.epochSecrets[epoch];
  if (head === null || key === undefined || secret === undefined) throw new Error('no head, key or epoch secret');
  const root = hash(recordId); // a fixed per-record root for tests
  return sealUpdate(
    { author, epoch, seq, mhead: head.seq },
    { time: 1_767_225_600, yjs },
    {
      vaultId: log.vaultId,
      recordId,
      key: recordKey(secret, log.vaultId, recordId, epoch, root),
      authorSk: key.sigSk,
      headHash: head.hash,
    },
  );
}

/** A real sealed snapshot envelope covering `coverage` (at the current epoch unless `epoch` is given). */
export function snapshotEnvelope(
  log: MembershipLogBuilder,
  author: number,
  recordId: Uint8Array,
  coverage: [number, number][],
  epoch = log.state.epoch,
  yjsState = new Uint8Array([0, 0]),
): Uint8Array {
  const head = log.state.head;
  const key = log.keys.get(author);
  const secret = log.epochSecrets[epoch];
  if (head === null || key === undefined || secret === undefined) throw new Error('no head, key or epoch secret');
  return sealSnapshot(
    { author, epoch, mhead: head.seq, coverage },
    { yjsState, time: 0, attribution: [] },
    {
      vaultId: log.vaultId,
      recordId,
      key: recordKey(secret, log.vaultId, recordId, epoch, hash(recordId)),
      authorSk: key.sigSk,
      headHash: head.hash,
    },
  );
}

/**
 * Wraps of the current epoch for every keyring recipient, as a rotating append must carry (§12.2), or for the
 * `recipients` given (a device just added).
 */
export function rotationWraps(
  log: MembershipLogBuilder,
  author: number,
  recipients: readonly number[] = keyringRecipients(log.state),
): Uint8Array[] {
  const head = log.state.head;
  const authorKey = log.keys.get(author);
  if (head === null || authorKey === undefined) throw new Error('no head');
  return recipients.map((recipient) =>
    sealKeyringWrap(
      { epoch: log.state.epoch, recipient, author, mhead: head.seq },
      log.epochSecrets.slice(0, log.state.epoch + 1),
      {
        vaultId: log.vaultId,
        headHash: head.hash,
        recipientBoxPk: log.keys.get(recipient)?.boxPk ?? new Uint8Array(32),
        authorSk: authorKey.sigSk,
      },
    ),
  );
}

/**
 * A structurally valid keyring wrap with garbage secrets, sealed and signed by `signer` under header `h` (which
 * may lie about its author): what an attacker files to break another principal's keyring (§8.2).
 */
export function garbageWrap(
  log: MembershipLogBuilder,
  h: { epoch: number; recipient: number; author: number; mhead: number },
  signer: number,
): Uint8Array {
  return sealKeyringWrap(
    h,
    Array.from({ length: h.epoch + 1 }, () => log.random(32)),
    {
      vaultId: log.vaultId,
      headHash: log.state.head?.hash ?? new Uint8Array(32),
      recipientBoxPk: log.keys.get(h.recipient)?.boxPk ?? log.relay.boxPk,
      authorSk: log.keys.get(signer)?.sigSk ?? new Uint8Array(64),
    },
  );
}
