// Readers of a SYNC answer for the relay-under-attack tests (issue 12): a throttled reader (an honest client on a
// slow link), a reader cut after a given number of bytes (to resume from its cursor), and a reader that stops
// reading altogether. They talk to the real relay process over a real socket; pacing is done by pausing the TCP
// socket under `ws`, so the relay sees the kernel's real back-pressure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { hash, toHex } from '#crypto';
import {
  CLIENT_FRAME,
  decodeRelayPayload,
  encodeClientPayload,
  joinFrame,
  splitFrame,
  type ClientFrame,
  type RelayFrame,
} from '#protocol';
import type { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { authenticate, localOrigin, RelayClient } from '#tests/helpers/relay-client';
import { startRelayProcess, type RelayProcess } from './relay-process-harness.ts';

export interface SyncOutcome {
  /** 'done' after SYNC_DONE; 'cut' when the reader cut itself off; otherwise the close code and reason. */
  end: 'done' | 'cut' | { code: number; reason: string };
  /** Hex hashes of the envelopes received, in arrival order. */
  envelopes: string[];
  /** Cursor of each RECORDS frame, in arrival order. */
  cursors: number[];
  bytes: number;
  ms: number;
  doneRv?: number;
}

export interface ReadOptions {
  /** Bytes per second the reader accepts (undefined: as fast as it can). */
  rate?: number;
  /** Cut the socket (terminate, no close frame) once this many envelope bytes arrived, after a whole frame. */
  cutAfter?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The TCP socket under a `ws` client, to pause and resume it. */
export const tcpOf = (client: RelayClient): Socket => (client.ws as unknown as { _socket: Socket })._socket;

/** Hex hash of an envelope, as the readers record it. */
export const envelopeKey = (bytes: Uint8Array): string => toHex(hash(bytes));

/** Sends SYNC since `sinceRv` (live 0) and reads the answer as `options` says. */
export function readSync(client: RelayClient, sinceRv: number, options: ReadOptions = {}): Promise<SyncOutcome> {
  return readStream(client, { type: 'SYNC', sinceRv, live: false, scope: [] }, options, (frame) =>
    frame.type === 'SYNC_DONE' ? { doneRv: frame.rv } : false,
  );
}

/**
 * Sends `request` and reads its streamed answer (RECORDS, MEMBER_ENTRIES, BLOB_DATA frames) as `options` says,
 * pausing the TCP socket to keep to `rate`. `ends` says which frame ends the answer (SYNC_DONE, the last page).
 */
export function readStream(
  client: RelayClient,
  request: ClientFrame,
  options: ReadOptions,
  ends: (frame: RelayFrame) => false | { doneRv?: number },
): Promise<SyncOutcome> {
  const rid = 9_000 + Math.floor(Math.random() * 1000);
  const started = Date.now();
  const out: SyncOutcome = { end: 'done', envelopes: [], cursors: [], bytes: 0, ms: 0 };
  const tcp = tcpOf(client);
  let paused = false;
  return new Promise((resolve) => {
    const finish = (end: SyncOutcome['end']): void => {
      out.end = end;
      out.ms = Date.now() - started;
      client.ws.off('message', onMessage);
      resolve(out);
    };
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (out.ms > 0) return;
      if (!isBinary) {
        const error = JSON.parse(data.toString('utf8')) as { code: string; message: string };
        finish({ code: 0, reason: `${error.code}: ${error.message}` });
        return;
      }
      const raw = splitFrame(new Uint8Array(data));
      if (raw.rid !== rid) return;
      const frame = decodeRelayPayload(raw.type, raw.payload);
      if (frame === undefined) return;
      if (frame.type === 'RECORDS') {
        out.cursors.push(frame.rv);
        for (const group of frame.groups)
          for (const envelope of group.envelopes) {
            out.envelopes.push(envelopeKey(envelope));
            out.bytes += envelope.length;
          }
      } else if (frame.type === 'MEMBER_ENTRIES') {
        for (const entry of frame.entries) {
          out.envelopes.push(envelopeKey(entry));
          out.bytes += entry.length;
        }
      } else if (frame.type === 'BLOB_DATA') out.bytes += frame.bytes.length;
      const done = ends(frame);
      if (done !== false) {
        if (done.doneRv !== undefined) out.doneRv = done.doneRv;
        finish('done');
        return;
      }
      if (options.cutAfter !== undefined && out.bytes >= options.cutAfter) {
        client.ws.terminate();
        finish('cut');
        return;
      }
      if (options.rate !== undefined && !paused) {
        const ahead = (out.bytes / options.rate) * 1000 - (Date.now() - started);
        if (ahead > 5) {
          paused = true;
          tcp.pause();
          void sleep(ahead).then(() => {
            paused = false;
            tcp.resume();
          });
        }
      }
    };
    client.ws.on('message', onMessage);
    void client.closed.then(({ code, reason }) => {
      if (out.ms === 0) finish({ code, reason });
    });
    client.ws.send(joinFrame(CLIENT_FRAME[request.type], rid, encodeClientPayload(request)));
  });
}

/** A relay process whose vault pins the builder's relay key (its signing key file written before start). */
export async function startRelayFor(
  bundle: string,
  log: MembershipLogBuilder,
  env: Record<string, string> = {},
): Promise<RelayProcess & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-attack-'));
  const relaySeed = log.seeds.get(toHex(log.relay.sigPk))?.sigSeed;
  if (relaySeed === undefined) throw new Error('no relay seed');
  fs.writeFileSync(path.join(dataDir, 'relay-signing-key'), toHex(relaySeed) + '\n', { mode: 0o600 });
  return { ...(await startRelayProcess(bundle, dataDir, env)), dataDir };
}

/** Connects and authenticates as device 2 of the builder's vault. */
export async function deviceSession(port: number, log: MembershipLogBuilder): Promise<RelayClient> {
  const origin = localOrigin(port);
  const client = await RelayClient.connect(`ws://127.0.0.1:${port}/sync`, log.relay.sigPk, origin);
  client.ws.on('error', () => undefined);
  const session = await authenticate(client, log, origin, 2);
  if (session.type !== 'SESSION') throw new Error(`AUTH refused: ${JSON.stringify(session)}`);
  return client;
}

/** Resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
