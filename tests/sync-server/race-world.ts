// The world of races.test.ts (security.md case 24): one real relay per store (SQLite, and PostgreSQL when it
// answers), each run in a fresh vault of its own, and a seeded scheduler that sends two sockets' frames in an
// order and with pauses drawn from the run's seed. The store is the real one with a seeded delay before some of
// its calls, so that the relay's handlers of the two sockets interleave differently from run to run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openPostgresStore } from '#sync-server/store/postgres-store';
import type { RelayStore } from '#sync-server/store/relay-store';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { barrier } from '#tests/helpers/blob-upload';
import { interposeStore } from '#tests/helpers/interposed-store';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { TEST_DATABASE_URL } from '#tests/helpers/postgres';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import {
  authenticate,
  createVault,
  localOrigin,
  RelayClient,
  rotationWraps,
  type Reply,
} from '#tests/helpers/relay-client';
import { seededRandom } from '#tests/helpers/seeded-random';

/** Small enough that a reservation left behind by a race shows: the suite fills each vault to it exactly. */
export const RACE_QUOTA = 256 * 1024;

export const code = (reply: Reply | undefined): string =>
  reply === undefined ? 'unanswered' : reply.type === 'error' ? reply.code : reply.type;

export interface RaceRelay {
  relay: TestRelay;
  /** The relay's signing identity, pinned by every race vault's genesis. */
  identity: MembershipLogBuilder['relay'];
  /** The store without the delays, for reading back what was stored. */
  raw: RelayStore;
  stop(): Promise<void>;
}

/** A relay over the real store of `kind`, every call delayed by a draw of `seed` (none, a turn, or 0-2 ms). */
export async function startRaceRelay(kind: 'SQLite' | 'PostgreSQL', seed: number, schema = ''): Promise<RaceRelay> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-races-'));
  const raw =
    kind === 'SQLite'
      ? openSqliteStore(path.join(dataDir, 'relay.sqlite'))
      : await openPostgresStore(TEST_DATABASE_URL, { schema });
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const store = interposeStore(raw, () => {
    const r = rand();
    if (r < 0.4) return undefined;
    if (r < 0.8) return new Promise<void>((resolve) => setImmediate(resolve));
    return new Promise<void>((resolve) => setTimeout(resolve, Math.floor(r * 3)));
  });
  const log = new MembershipLogBuilder('race-relay');
  const relay = await startTestRelay({
    identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
    store,
    dataDir,
    limits: {
      vaultQuotaBytes: RACE_QUOTA,
      connectionsPerMinute: 100_000,
      vaultsPerAddressPerDay: 100_000,
      vaultsPerDay: 100_000,
      maxSocketsPerAddress: 1000,
    },
  });
  return { relay, identity: log.relay, raw, stop: () => relay.stop() };
}

/**
 * A fresh vault on the race relay: 2 the patient device, 3 a second patient device, 4 an assistant, each with
 * its wrap. Its keys come from `name`, so a seed replays the same vault.
 */
export interface RaceVault {
  log: MembershipLogBuilder;
  /** An authenticated session of `principal`, closed by close(). */
  session(principal: number): Promise<RelayClient>;
  append(client: RelayClient, entries: Uint8Array[], wraps?: Uint8Array[]): Promise<Reply>;
  /** The vault's rv and used bytes as the store has them. */
  summary(): Promise<{ rv: number; usedBytes: number }>;
  close(): void;
}

export async function newRaceVault(r: RaceRelay, name: string): Promise<RaceVault> {
  const log = new MembershipLogBuilder(name, r.identity).genesis();
  const origin = localOrigin(r.relay.port);
  const clients: RelayClient[] = [];
  const connect = async (): Promise<RelayClient> => {
    const client = await RelayClient.connect(r.relay.wsUrl, log.relay.sigPk, origin);
    clients.push(client);
    return client;
  };
  const append = (client: RelayClient, entries: Uint8Array[], wraps: Uint8Array[] = []): Promise<Reply> =>
    client.request({ type: 'MEMBER_APPEND', entries, wraps, keyboxes: [] });
  const patient = await connect();
  expect(code(await createVault(patient, log, origin))).toBe('SESSION');
  const first = log.entries.length;
  const device = log.addDevice(2, 0);
  const assistant = log.addAssistant(2).index;
  expect(code(await append(patient, log.entries.slice(first), rotationWraps(log, 2, [device, assistant])))).toBe('ACK');
  return {
    log,
    session: async (principal) => {
      const client = await connect();
      expect(code(await authenticate(client, log, origin, principal))).toBe('SESSION');
      return client;
    },
    append,
    summary: async () => {
      const summary = await r.raw.vault(log.vaultId);
      if (summary === undefined) throw new Error('vault not stored');
      return summary;
    },
    close: () => {
      for (const client of clients) client.close();
    },
  };
}

/** A frame's answer once it came: refused non-final chunks answer, accepted ones never do. */
export interface Sent {
  reply: Reply | undefined;
}

/**
 * Sends the frames of each lane (one lane per socket, in the lane's order) in a seeded order across lanes, with
 * a seeded pause before each (none, a turn of the event loop, or 0-3 ms); then waits until every socket has
 * handled everything it was sent.
 */
export async function interleave(
  rand: () => number,
  lanes: { client: RelayClient; frames: (() => Promise<Reply>)[] }[],
): Promise<Sent[][]> {
  const next = lanes.map(() => 0);
  const sent = lanes.map(() => [] as Sent[]);
  for (;;) {
    const open = lanes.map((_, i) => i).filter((i) => (next[i] ?? 0) < (lanes[i]?.frames.length ?? 0));
    if (open.length === 0) break;
    const lane = open[Math.floor(rand() * open.length)] ?? 0;
    const pause = rand();
    if (pause >= 0.5)
      await new Promise((resolve) => (pause < 0.8 ? setImmediate(resolve) : setTimeout(resolve, 3 * rand())));
    const slot: Sent = { reply: undefined };
    const frame = lanes[lane]?.frames[next[lane] ?? 0];
    next[lane] = (next[lane] ?? 0) + 1;
    void frame?.().then((reply) => (slot.reply = reply));
    sent[lane]?.push(slot);
  }
  // A socket's frames are handled in order: once a later request is answered, so was every refusal before it.
  await Promise.all(lanes.map((l) => barrier(l.client)));
  return sent;
}
