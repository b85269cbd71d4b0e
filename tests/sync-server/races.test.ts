// security.md case 24 (issue 12): two connections doing the same thing at once leave exactly one consistent
// result, on the real store (SQLite, and PostgreSQL when it answers). Each race runs in a fresh vault per seed;
// the seed draws the variant, the order in which the two sockets' frames go out and the pauses between them,
// and the store's delays. CARNET_SEED=<n> replays run 0 with seed n; 20 seeds by default, 200 with CARNET_LONG=1.
// A replay repeats a run's plan; the relay's own timing (and the other runs in parallel) may still move it.
// Blob uploads under a quota, cuts and garbage are in blob-races.test.ts; here the same blob id is raced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equal, ready, toHex } from '#crypto';
import { sealKeyringWrap } from '#crypto/keyring-wrap';
import { entryHash, keyringRecipients, principalAt, type MemberBody } from '#protocol';
import { downloadBlob, testBlob, uploadBlob, type TestBlob } from '#tests/helpers/blob-upload';
import { dropSchema, postgresAvailable, uniqueSchema } from '#tests/helpers/postgres';
import { snapshotEnvelope, updateEnvelope, type RelayClient } from '#tests/helpers/relay-client';
import { baseSeed, seededRandom } from '#tests/helpers/seeded-random';
import {
  code,
  interleave,
  newRaceVault,
  RACE_QUOTA,
  startRaceRelay,
  type RaceRelay,
  type RaceVault,
} from './race-world.ts';

await ready();
const RUNS = process.env.CARNET_LONG === '1' ? 200 : 20;
const PARALLEL = 4;
const BASE_SEED = baseSeed();
const RECORD = new Uint8Array(16).fill(0x44);
const CHUNK = 2048;
const hasPostgres = await postgresAvailable();

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Two uploads of one blob id: the honest bytes end up complete, counted once, and no reservation stays behind. */
async function sameBlob(r: RaceRelay, v: RaceVault, rand: () => number): Promise<string> {
  const variant = pick(rand, ['one principal, two sockets', 'two principals', 'garbage of another size'] as const);
  const x = await v.session(2);
  const y = await v.session(variant === 'one principal, two sockets' ? 2 : 4);
  const blob = testBlob(6 * CHUNK + 100);
  const theirs: TestBlob =
    variant === 'garbage of another size'
      ? { id: blob.id, bytes: testBlob(CHUNK * pick(rand, [2, 5, 9]) + 7).bytes }
      : blob;
  const lane = (client: RelayClient, b: TestBlob) => ({
    client,
    frames: [
      () => client.request({ type: 'BLOB_PUT', blobId: b.id, recordId: RECORD, size: BigInt(b.bytes.length) }),
      ...range(0, Math.ceil(b.bytes.length / CHUNK) - 1).map((i) => () => {
        const bytes = b.bytes.subarray(i * CHUNK, (i + 1) * CHUNK);
        return client.request({ type: 'BLOB_CHUNK', blobId: b.id, offset: BigInt(i * CHUNK), bytes });
      }),
    ],
  });
  const before = await v.summary();
  const sent = await interleave(rand, [lane(x, blob), lane(y, theirs)]);
  const allowed = ['ACK', 'unanswered', 'bad_frame', 'unknown_blob', 'blob_hash_mismatch', 'too_large'];
  for (const s of sent.flat()) expect(allowed, variant).toContain(code(s.reply));
  // The honest device goes on from where the store is: it completes the blob with its own bytes.
  expect(await uploadBlob(x, RECORD, blob, CHUNK), variant).toEqual({ type: 'ACK', value: blob.bytes.length });
  expect(await downloadBlob(y, blob.id)).toEqual(blob.bytes);
  const size = blob.bytes.length;
  expect(await r.raw.blob(v.log.vaultId, blob.id)).toEqual({ recordId: RECORD, size, received: size, complete: true });
  const after = await v.summary();
  expect(after.usedBytes - before.usedBytes, variant).toBe(size);
  // Counted once and nothing held back: a blob that fills the quota to the byte is taken, one byte more is not.
  const filler = testBlob(RACE_QUOTA - after.usedBytes);
  expect(await uploadBlob(x, RECORD, filler, 64 * 1024), variant).toEqual({ type: 'ACK', value: filler.bytes.length });
  expect((await v.summary()).usedBytes).toBe(RACE_QUOTA);
  expect(code(await uploadBlob(y, RECORD, testBlob(2))), variant).toBe('quota_exceeded');
  const completed = sent.findIndex((lane) => lane.some((s) => s.reply?.type === 'ACK' && s.reply.value === size));
  return `${variant}: ${completed < 0 ? 'completed after the race' : `completed by socket ${'xy'[completed]}`}`;
}

/** Two sockets of one principal push the same sequences (some byte for byte): each stored once, as acknowledged. */
async function sameSequence(r: RaceRelay, v: RaceVault, rand: () => number): Promise<string> {
  const [x, y] = [await v.session(2), await v.session(2)];
  const last = 3 + Math.floor(rand() * 3);
  const mine = range(1, last).map((seq) => updateEnvelope(v.log, 2, RECORD, seq, Uint8Array.of(0x58, seq)));
  const theirs = mine.map((env, i) =>
    rand() < 0.3 ? env : updateEnvelope(v.log, 2, RECORD, i + 1, Uint8Array.of(0x59, i + 1)),
  );
  /** One lane's frames: its envelopes in order, one or two per PUSH as the seed says. */
  const frames = (envelopes: Uint8Array[]): Uint8Array[][] => {
    const out: Uint8Array[][] = [];
    for (let i = 0; i < envelopes.length;) {
      const n = rand() < 0.3 ? 2 : 1;
      out.push(envelopes.slice(i, i + n));
      i += n;
    }
    return out;
  };
  const lanes = [
    { client: x, pushes: frames(mine) },
    { client: y, pushes: frames(theirs) },
  ];
  const before = await v.summary();
  const sent = await interleave(
    rand,
    lanes.map(({ client, pushes }) => ({
      client,
      frames: pushes.map((updates) => () => client.request({ type: 'PUSH', recordId: RECORD, updates })),
    })),
  );
  const stored = await r.raw.updatesRange(v.log.vaultId, RECORD, 2, 1, 1000);
  const m = stored.length;
  expect(m).toBeGreaterThanOrEqual(1);
  expect(stored.map((row) => row.seq)).toEqual(range(1, m));
  expect(stored.map((row) => row.rv)).toEqual(range(before.rv + 1, before.rv + m));
  const acked = new Set<string>();
  const outcomes = lanes.flatMap((lane, l) => lane.pushes.map((updates, i) => ({ updates, sent: sent[l]?.[i] })));
  for (const { updates, sent: s } of outcomes) {
    expect(['ACK', 'bad_sequence']).toContain(code(s?.reply));
    if (s?.reply?.type !== 'ACK') continue;
    for (const env of updates) acked.add(toHex(env));
    const rows = updates.map((env) => stored.find((row) => equal(row.bytes, env)));
    expect(rows.every((row) => row !== undefined)).toBe(true);
    expect(s.reply.value).toBe(rows.at(-1)?.rv);
  }
  for (const row of stored) expect(acked.has(toHex(row.bytes))).toBe(true); // nothing refused was kept
  expect((await v.summary()).rv).toBe(before.rv + m);
  const next = updateEnvelope(v.log, 2, RECORD, m + 1);
  expect(await x.request({ type: 'PUSH', recordId: RECORD, updates: [next] })).toEqual({
    type: 'ACK',
    value: before.rv + m + 1,
  });
  const won = stored.map((row) => (mine.some((e) => equal(e, row.bytes)) ? 'x' : 'y')).join('');
  return `${m} of ${last} stored, by ${won}`;
}

/** Two devices compact one record on the same base: one snapshot is active, the other is refused and kept nowhere. */
async function sameSnapshotBase(r: RaceRelay, v: RaceVault, rand: () => number): Promise<string> {
  const [x, y] = [await v.session(2), await v.session(3)];
  const push = async (client: RelayClient, author: number, seq: number) =>
    code(
      await client.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(v.log, author, RECORD, seq)] }),
    );
  for (const [client, author, seq] of [[x, 2, 1] as const, [x, 2, 2] as const, [y, 3, 1] as const])
    expect(await push(client, author, seq)).toBe('ACK');
  let base = 0;
  if (rand() < 0.5) {
    const first = snapshotEnvelope(v.log, 2, RECORD, [
      [2, 2],
      [3, 1],
    ]);
    const reply = await x.request({ type: 'SNAPSHOT_PUT', recordId: RECORD, baseRv: 0, snapshot: first });
    base = reply.type === 'ACK' ? reply.value : -1;
  }
  // x may push once more and fold that update in; y may fold an update of its own it never pushed.
  const xPushes = rand() < 0.5;
  const ours = snapshotEnvelope(v.log, 2, RECORD, [
    [2, xPushes ? 3 : 2],
    [3, 1],
  ]);
  const theirs = snapshotEnvelope(v.log, 3, RECORD, [
    [2, 2],
    [3, rand() < 0.3 ? 2 : 1],
  ]);
  const put = (client: RelayClient, snapshot: Uint8Array) => () =>
    client.request({ type: 'SNAPSHOT_PUT', recordId: RECORD, baseRv: base, snapshot });
  const pushFrame = () => x.request({ type: 'PUSH', recordId: RECORD, updates: [updateEnvelope(v.log, 2, RECORD, 3)] });
  const sent = await interleave(rand, [
    { client: x, frames: [...(xPushes ? [pushFrame] : []), put(x, ours)] },
    { client: y, frames: [put(y, theirs)] },
  ]);
  if (xPushes) expect(code(sent[0]?.[0]?.reply)).toBe('ACK');
  const results = [
    { snapshot: ours, author: 2, client: x, reply: sent[0]?.at(-1)?.reply },
    { snapshot: theirs, author: 3, client: y, reply: sent[1]?.[0]?.reply },
  ];
  const winners = results.filter((o) => o.reply?.type === 'ACK');
  expect(winners).toHaveLength(1);
  const loser = results.find((o) => o.reply?.type !== 'ACK');
  expect(['stale_base', 'snapshot_not_covering']).toContain(code(loser?.reply));
  const winner = winners[0];
  const rv = winner?.reply?.type === 'ACK' ? winner.reply.value : -1;
  const rows = await r.raw.envelopesSince(v.log.vaultId, 0, [RECORD]);
  expect(rows[0]).toMatchObject({ rv, kind: 'snapshot', author: winner?.author, bytes: winner?.snapshot });
  expect(rows.some((row) => loser !== undefined && equal(row.bytes, loser.snapshot))).toBe(false);
  const state = await r.raw.recordState(v.log.vaultId, RECORD);
  expect(state.snapshotRv).toBe(rv);
  // Relay memory and store agree: the loser compacts again on the new base, covering what the store holds.
  if (loser === undefined) throw new Error('no loser');
  const coverage = [...state.hw].sort((a, b) => a[0] - b[0]);
  const again = snapshotEnvelope(v.log, loser.author, RECORD, coverage);
  const reply = await loser.client.request({ type: 'SNAPSHOT_PUT', recordId: RECORD, baseRv: rv, snapshot: again });
  expect(code(reply)).toBe('ACK');
  return `device ${winner?.author} won, the other got ${code(loser.reply)}`;
}

interface Change {
  entry: Uint8Array;
  wraps: Uint8Array[];
  /** A device-add: the new device's keys and index. */
  id?: ReturnType<RaceVault['log']['identity']>;
  index?: number;
  /** A rotation: the keyring it wraps, the new epoch's secret last. */
  keyring?: Uint8Array[];
}

/** An append drafted by `signer` on the builder's head: a device of its own person, or a rotation, with wraps. */
function draftChange(v: RaceVault, signer: number, rand: () => number): Change {
  const { log } = v;
  const head = log.state.head?.seq ?? 0;
  const epoch = log.state.epoch;
  const authorSk = log.keys.get(signer)?.sigSk ?? new Uint8Array(64);
  const seal = (entry: Uint8Array, e: number, recipient: number, boxPk: Uint8Array, keyring: Uint8Array[]) =>
    sealKeyringWrap({ epoch: e, recipient, author: signer, mhead: head + 1 }, keyring, {
      vaultId: log.vaultId,
      headHash: entryHash(log.vaultId, entry),
      recipientBoxPk: boxPk,
      authorSk,
    });
  if (rand() < 0.5) {
    const id = log.identity();
    const person = principalAt(log.state, signer)?.person ?? 0;
    const body: MemberBody = { kind: 'device-add', person, sigPk: id.sigPk, boxPk: id.boxPk };
    const entry = log.draft(signer, body);
    const index = log.state.principals.length;
    return { entry, wraps: [seal(entry, epoch, index, id.boxPk, log.epochSecrets.slice(0, epoch + 1))], id, index };
  }
  const newEpoch = log.newEpoch();
  const keyring = [...log.epochSecrets.slice(0, epoch + 1), log.epochSecrets[epoch + 1] ?? new Uint8Array(32)];
  const entry = log.draft(signer, { kind: 'rotate', reason: 3, newEpoch });
  const wraps = keyringRecipients(log.state).map((recipient) =>
    seal(entry, epoch + 1, recipient, log.keys.get(recipient)?.boxPk ?? new Uint8Array(32), keyring),
  );
  return { entry, wraps, keyring };
}

/** Two members extend the same head: one entry and its wraps are stored, the other is refused and kept nowhere. */
async function sameHead(r: RaceRelay, v: RaceVault, rand: () => number): Promise<string> {
  const signers = [2, pick(rand, [3, 4])] as const;
  const clients = [await v.session(signers[0]), await v.session(signers[1])];
  const { log } = v;
  const head = log.state.head?.seq ?? 0;
  const changes = signers.map((signer) => draftChange(v, signer, rand));
  const sent = await interleave(
    rand,
    clients.map((client, i) => ({
      client,
      frames: [() => v.append(client, [changes[i]?.entry ?? new Uint8Array()], changes[i]?.wraps)],
    })),
  );
  const replies = sent.map((lane) => lane[0]?.reply);
  const w = replies.findIndex((reply) => reply?.type === 'ACK');
  const winner = changes[w];
  const loser = changes[1 - w];
  if (winner === undefined || loser === undefined)
    throw new Error(`no append was taken: ${replies.map(code).join(', ')}`);
  expect(replies[w]).toEqual({ type: 'ACK', value: head + 1 });
  expect(['member_replayed', 'member_broken_chain']).toContain(code(replies[1 - w]));
  const vaultId = log.vaultId;
  expect((await r.raw.membership(vaultId, 0, 1000)).map(toHex)).toEqual([...log.entries, winner.entry].map(toHex));
  const stored = (
    await Promise.all(range(0, log.state.principals.length).map((p) => r.raw.wraps(vaultId, p, 0)))
  ).flat();
  for (const wrap of winner.wraps) expect(stored.some((s) => equal(s, wrap))).toBe(true);
  for (const wrap of loser.wraps) expect(stored.some((s) => equal(s, wrap))).toBe(false);
  expect((await r.raw.membershipState(vaultId))?.seq).toBe(head + 1);
  const added = await r.raw.principalKey(vaultId, log.state.principals.length);
  expect(added?.sigPk).toEqual(winner.id?.sigPk);
  // The builder follows the log the relay kept; the loser redoes its change on the new head and it is taken.
  log.accept(winner.entry);
  const secret = winner.keyring?.at(-1);
  if (secret !== undefined) log.epochSecrets[log.state.epoch] = secret;
  if (winner.id !== undefined && winner.index !== undefined) log.keys.set(winner.index, winner.id);
  const again = clients[1 - w];
  if (again === undefined) throw new Error('no loser session');
  const redo = draftChange(v, signers[1 - w] ?? 2, rand);
  expect(await v.append(again, [redo.entry], redo.wraps)).toEqual({ type: 'ACK', value: head + 2 });
  if (winner.index !== undefined) await v.session(winner.index); // its key row was written with the entry
  const kind = (c: Change): string => (c.id === undefined ? 'rotate' : 'device-add');
  return `${kind(winner)} by ${signers[w]} won over ${kind(loser)} by ${signers[1 - w]} (${code(replies[1 - w])})`;
}

/** A race in one fresh vault; answers what happened (who won), tallied and printed to show the runs differ. */
type Race = (r: RaceRelay, v: RaceVault, rand: () => number) => Promise<string>;

const RACES: [string, Race][] = [
  [
    'same blob id from two sockets: one complete blob with the honest bytes, counted once, nothing left reserved',
    sameBlob,
  ],
  [
    'same (record, author) sequence from two sockets of one principal: each sequence stored once, as acknowledged',
    sameSequence,
  ],
  [
    'same snapshot base from two sockets: one snapshot becomes active, the other is refused and stored nowhere',
    sameSnapshotBase,
  ],
  [
    'two MEMBER_APPENDs extending the same head: one entry and its wraps stored, the other refused and stored nowhere',
    sameHead,
  ],
];

for (const kind of ['SQLite', 'PostgreSQL'] as const) {
  describe.skipIf(kind === 'PostgreSQL' && !hasPostgres)(`races on the ${kind} store (case 24)`, () => {
    let relay: RaceRelay | undefined;
    const schema = uniqueSchema('carnet_races');
    beforeAll(async () => {
      console.log(`races on ${kind}: seeds ${BASE_SEED}..${BASE_SEED + RUNS - 1} (CARNET_SEED=<seed> replays one)`);
      relay = await startRaceRelay(kind, BASE_SEED, schema);
    });
    afterAll(async () => {
      await relay?.stop();
      if (kind === 'PostgreSQL') await dropSchema(schema);
    });
    for (const [name, race] of RACES) {
      it(`${name} (${RUNS} seeded interleavings)`, async () => {
        const r = relay;
        if (r === undefined) throw new Error('no relay');
        const tally = new Map<string, number>();
        const run = async (seed: number): Promise<void> => {
          const v = await newRaceVault(r, `${race.name}-${seed}`);
          try {
            const outcome = await race(r, v, seededRandom(seed));
            tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
          } catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            throw new Error(`${kind}, seed ${seed} (CARNET_SEED=${seed} replays it as run 0): ${why}`, {
              cause: error,
            });
          } finally {
            v.close();
          }
        };
        const seeds = range(BASE_SEED, BASE_SEED + RUNS - 1);
        for (let i = 0; i < seeds.length; i += PARALLEL) await Promise.all(seeds.slice(i, i + PARALLEL).map(run));
        const lines = [...tally].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `  ${n}x ${outcome}`);
        console.log(`${kind}, ${race.name}:\n${lines.join('\n')}`);
      });
    }
  });
}
