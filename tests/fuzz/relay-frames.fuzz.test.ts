// Issue 7 "Must show", fuzz (security.md case 15): 20,000 seeded frames (200,000 with CARNET_LONG=1) at one real
// relay over four sessions: authenticated, welcomed but unauthenticated, and never welcomed. Random bytes, damaged
// valid frames (bit flips, truncations, wrong types, huge rids, valid headers with garbage payloads, valid
// envelopes with flipped bytes) and garbage JSON text frames. Every answer must be a relay frame that decodes or
// an error frame with a known code; no frame may fail inside the relay ("frame failed" / `internal`); the relay
// still serves a fresh client at the end; the heap stays bounded. CARNET_SEED=<n> reproduces.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import {
  CLIENT_FRAME,
  decodeRelayPayload,
  encodeClientPayload,
  joinFrame,
  splitFrame,
  WIRE_ERRORS,
  type ClientFrame,
} from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import { authenticate, createVault, localOrigin, RelayClient, updateEnvelope } from '#tests/helpers/relay-client';
import { seededRandom } from '#tests/helpers/seeded-random';

const LONG = process.env.CARNET_LONG === '1';
const FRAMES = LONG ? 200_000 : 20_000;
const SEED = Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CHUNK = 20;

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`;

type Kind = 'auth' | 'anon' | 'raw';

describe('relay frames (fuzz)', () => {
  it(
    `survives ${FRAMES.toLocaleString('en')} seeded frames with error codes only and bounded memory`,
    async () => {
      await ready();
      const rand = seededRandom(SEED);
      const int = (n: number): number => Math.floor(rand() * n);
      const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));
      const pick = <T>(items: readonly T[]): T => {
        const item = items[int(items.length)];
        if (item === undefined) throw new Error('empty');
        return item;
      };

      const log = new MembershipLogBuilder(`relay-fuzz-${SEED}`).genesis();
      const relay: TestRelay = await startTestRelay({
        identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
        limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000, connectionsPerMinute: 100_000 },
      });
      const origin = localOrigin(relay.port);
      const connect = (): Promise<RelayClient> => RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
      const owner = await connect();
      expect((await createVault(owner, log, origin)).type).toBe('SESSION');
      const record = new Uint8Array(16).fill(1);
      let seq = 1;
      expect(
        await owner.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, seq++)] }),
      ).toMatchObject({ type: 'ACK' });

      // A corpus of valid client frames to damage.
      const valid: ClientFrame[] = [
        { type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, 50)] },
        { type: 'SYNC', sinceRv: 0, live: true, scope: [] },
        { type: 'SYNC', sinceRv: 1, live: false, scope: [record] },
        { type: 'FETCH', recordId: record, author: 2, fromSeq: 1, toSeq: 3 },
        { type: 'MEMBER_GET', sinceSeq: 0 },
        { type: 'WRAP_GET', fromEpoch: 0 },
        { type: 'UNSUBSCRIBE', recordIds: [record] },
        { type: 'AUTH', vaultId: log.vaultId, principal: 2, time: BigInt(Date.now()), sig: bytes(64) },
        { type: 'MEMBER_APPEND', entries: [log.entries[0] ?? bytes(10)], wraps: [], keyboxes: [] },
        { type: 'BLOB_GET', blobId: bytes(32), offset: 0n },
      ];
      const corpus = valid.flatMap((frame) => {
        try {
          return [joinFrame(CLIENT_FRAME[frame.type], 7, encodeClientPayload(frame))];
        } catch {
          return []; // a frame shape this protocol version does not encode
        }
      });
      expect(corpus.length).toBeGreaterThan(5);
      const types = Object.values(CLIENT_FRAME);

      // Most damaged binary frames keep version 1, so they reach the parsers behind the header (a wrong version
      // closes the socket with 1002 and would end the chunk).
      const frame = (): string | Uint8Array => {
        const out = damaged();
        if (typeof out !== 'string' && out.length > 0 && int(10) > 0) out[0] = 1;
        return out;
      };
      const damaged = (): string | Uint8Array => {
        const base = pick(corpus);
        switch (int(9)) {
          case 0:
            return bytes(int(300));
          case 1: {
            const out = base.slice();
            for (let i = 1 + int(8); i > 0; i--) {
              const at = int(out.length);
              out[at] = (out[at] ?? 0) ^ (1 << int(8));
            }
            return out;
          }
          case 2:
            return base.slice(0, int(base.length));
          case 3: {
            const out = base.slice();
            out[1] = int(2) === 0 ? pick(types) : int(256);
            return out;
          }
          case 4: // a huge or overlong rid varint
            return Uint8Array.from([
              1,
              base[1] ?? 0x30,
              ...Array.from({ length: 1 + int(12) }, () => 0x80 | int(128)),
              1,
            ]);
          case 5:
            return joinFrame(pick(types), int(1_000_000), bytes(int(200)));
          case 6: {
            // A valid PUSH whose envelope has one flipped byte (the header or the ciphertext).
            const update = updateEnvelope(log, 2, record, seq + int(3));
            const at = int(update.length);
            update[at] = (update[at] ?? 0) ^ (1 << int(8));
            return joinFrame(
              CLIENT_FRAME.PUSH,
              9,
              encodeClientPayload({ type: 'PUSH', recordId: record, updates: [update] }),
            );
          }
          case 7:
            return pick([
              '{',
              '[]',
              'null',
              '{"type":"hello"}',
              '{"type":"hello","versions":[1],"nonce":1}',
              `{"type":"hello","versions":[${int(99)}],"nonce":"${Buffer.from(bytes(32)).toString('base64url')}"}`,
              JSON.stringify({ type: pick(['x', 'error', 'AUTH', 'welcome']), rid: int(10) }),
              'x'.repeat(int(6000)),
            ]);
          default:
            return Buffer.from(bytes(int(80))).toString('latin1');
        }
      };

      // Sessions; a closed one is replaced by a fresh one of the same kind.
      const answers = new Map<string, number>();
      const bad: string[] = [];
      const count = (key: string): void => {
        answers.set(key, (answers.get(key) ?? 0) + 1);
      };
      const closes = new Map<number, number>();
      const open = async (kind: Kind): Promise<RelayClient | WebSocketLike> => {
        if (kind === 'raw') {
          const { default: WebSocket } = await import('ws');
          const ws = new WebSocket(relay.wsUrl);
          await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
          watch(ws);
          return { ws };
        }
        const client = await connect();
        if (kind === 'auth') expect((await authenticate(client, log, origin, 2)).type).toBe('SESSION');
        watch(client.ws);
        return client;
      };
      interface WebSocketLike {
        ws: RelayClient['ws'];
      }
      const watch = (ws: RelayClient['ws']): void => {
        ws.on('error', () => undefined);
        ws.on('close', (code) => closes.set(code, (closes.get(code) ?? 0) + 1));
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) {
            try {
              const json = JSON.parse(data.toString('utf8')) as { type?: string; code?: string };
              if (json.type === 'error' && json.code !== undefined && json.code in WIRE_ERRORS)
                count(`error:${json.code}`);
              else if (json.type === 'welcome') count('welcome');
              else bad.push(`text: ${data.toString('utf8').slice(0, 100)}`);
            } catch {
              bad.push(`text not JSON: ${data.toString('utf8').slice(0, 100)}`);
            }
            return;
          }
          try {
            const raw = splitFrame(new Uint8Array(data));
            const decoded = decodeRelayPayload(raw.type, raw.payload);
            if (decoded === undefined) bad.push(`relay frame type ${raw.type} does not decode`);
            else count(decoded.type);
          } catch (error) {
            bad.push(`relay frame does not parse: ${String(error)}`);
          }
        });
      };
      const kinds: Kind[] = ['auth', 'auth', 'anon', 'raw'];
      const sessions = await Promise.all(kinds.map(open));

      const heapBefore = heap();
      let sent = 0;
      while (sent < FRAMES) {
        for (let s = 0; s < sessions.length && sent < FRAMES; s++) {
          let session = sessions[s];
          const kind = kinds[s];
          if (session === undefined || kind === undefined) continue;
          if (session.ws.readyState !== session.ws.OPEN) {
            session = await open(kind);
            sessions[s] = session;
          }
          for (let i = 0; i < CHUNK && sent < FRAMES; i++, sent++) session.ws.send(frame());
          // Pace: wait until the relay has answered everything sent so far on this socket (a round trip).
          await new Promise<void>((resolve) => {
            if (session.ws.readyState !== session.ws.OPEN) {
              resolve();
              return;
            }
            session.ws.once('close', () => resolve());
            session.ws.ping();
            session.ws.once('pong', () => resolve());
          });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const heapAfter = heap();

      // A fresh device session still works end to end.
      const fresh = await connect();
      expect(await authenticate(fresh, log, origin, 2)).toMatchObject({ type: 'SESSION' });
      // The relay cannot read envelopes: a damaged one at the next sequence is stored (clients refuse it on
      // opening), so the next free sequence comes from the relay's bad_sequence answer.
      const probe = await fresh.request({
        type: 'PUSH',
        recordId: record,
        updates: [updateEnvelope(log, 2, record, 1_000_000)],
      });
      const next = probe.type === 'error' ? (probe.expected ?? seq) : seq;
      expect(
        await fresh.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, next)] }),
      ).toMatchObject({ type: 'ACK' });
      expect((await fresh.sync(0, false)).at(-1)).toMatchObject({ type: 'SYNC_DONE' });
      fresh.close();
      for (const session of sessions) session.ws.close();
      owner.close();

      const failures = relay.logger.lines.filter((line) => line.level === 'error');
      const histogram = [...answers.entries()].sort((a, b) => b[1] - a[1]);
      console.log(
        `relay fuzz (seed ${SEED}): ${sent} frames; answers ${histogram.map(([k, n]) => `${k} ${n}`).join(', ')}; ` +
          `closes ${[...closes.entries()].map(([c, n]) => `${c}×${n}`).join(', ')}; ` +
          `heap before ${mb(heapBefore)}, after ${mb(heapAfter)}`,
      );
      await relay.stop();
      expect(bad.slice(0, 5), `seed ${SEED}`).toEqual([]);
      expect(answers.get('error:internal') ?? 0, `seed ${SEED}: ${JSON.stringify(failures.slice(0, 3))}`).toBe(0);
      expect(failures.slice(0, 3), `seed ${SEED}`).toEqual([]);
      expect(heapAfter - heapBefore, `seed ${SEED}`).toBeLessThan(64 * 2 ** 20);
    },
    LONG ? 1_800_000 : 180_000,
  );
});
