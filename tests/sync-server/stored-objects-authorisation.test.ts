// security.md case 20 (issue 12): for every object the relay stores or serves today, the weakest member that
// reaches its frame tries to write it for another principal, another epoch or another record, and to overwrite
// or delete a stored one; a member without the right tries to read it. One row per (object, who, attempt):
// refused with its wire code (or answered as a no-op), and NOTHING stored: every row of every table of the
// relay's database is the same afterwards, and the patient's device is served exactly what it was before.
// Stored objects are never replaced in place (PROTOCOL.md §8.2, §9, §13.2, §13.3).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ready, shardId, shardPrefix, toHex } from '#crypto';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { barrier, downloadBlob, sendChunks, testBlob } from '#tests/helpers/blob-upload';
import { interposeStore } from '#tests/helpers/interposed-store';
import { startTestRelay } from '#tests/helpers/relay';
import { readAllRows, type SqliteRows } from '#tests/helpers/sqlite-rows';
import { entryHash, readWrapHeader, signNextEntry, type MemberBody } from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import {
  authenticate,
  createVault,
  garbageWrap,
  localOrigin,
  RelayClient,
  rotationWraps,
  snapshotEnvelope,
  updateEnvelope,
  type Reply,
} from '#tests/helpers/relay-client';
import {
  CHUNK,
  DELETED,
  RECORD,
  startStoredObjectsVault,
  type PatientView,
  type StoredObjectsVault,
} from './stored-objects-fixture.ts';

await ready();

const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** One attempt on an object: who, what, and the answer it must get. */
interface Row {
  who: string;
  attempt: string;
  /** The wire code, or the answer of a no-op. */
  expected: string;
  send(v: StoredObjectsVault): Promise<Reply>;
  /** What a no-op answer must carry. */
  answer?(reply: Reply, v: StoredObjectsVault): void;
}

const head = (v: StoredObjectsVault): number => v.log.state.head?.seq ?? 0;
/** Shard 0 of the patient device (index 2): an index family id (§7.1), never in a scope, deleted or deposited. */
const shardOf = (v: StoredObjectsVault): Uint8Array => shardId(shardPrefix(v.log.vaultId), 2, 0);
const keyOf = (v: StoredObjectsVault, index: number): Uint8Array => v.log.keys.get(index)?.sigSk ?? new Uint8Array(64);
const appendAs = (v: StoredObjectsVault, client: RelayClient, signer: number, body: MemberBody): Promise<Reply> =>
  v.append(client, [v.log.draft(signer, body)]);
const push = (client: RelayClient, recordId: Uint8Array, ...updates: Uint8Array[]): Promise<Reply> =>
  client.request({ type: 'PUSH', recordId, updates });
const snapshotPut = (client: RelayClient, recordId: Uint8Array, baseRv: number, snapshot: Uint8Array) =>
  client.request({ type: 'SNAPSHOT_PUT', recordId, baseRv, snapshot });
const wrapAs = (v: StoredObjectsVault, client: RelayClient, signer: number, h: Parameters<typeof garbageWrap>[1]) =>
  v.append(client, [], [garbageWrap(v.log, h, signer)]);

/** Coverage of every update RECORD holds: the patient at 3, the assistant at 1. */
const held = (v: StoredObjectsVault): [number, number][] => [
  [2, 3],
  [v.index.assistant, 1],
];

/** The table: for each stored object and the frame that reaches it, every attempt. */
const TABLE: Record<string, Row[]> = {
  'membership entry (MEMBER_APPEND)': [
    {
      who: 'an assistant',
      attempt: 'appends an entry signed with the patient device key',
      expected: 'forbidden',
      send: (v) => {
        const id = v.log.identity();
        return appendAs(v, v.assistant, 2, { kind: 'device-add', person: 0, sigPk: id.sigPk, boxPk: id.boxPk });
      },
    },
    {
      who: 'an assistant',
      attempt: 'appends an entry naming the patient device as signer, signed with its own key',
      expected: 'member_bad_signature',
      send: (v) => {
        const id = v.log.identity();
        const body: MemberBody = { kind: 'device-add', person: 0, sigPk: id.sigPk, boxPk: id.boxPk };
        return v.append(v.assistant, [v.log.draft(2, body, keyOf(v, v.index.assistant))]);
      },
    },
    {
      who: 'an assistant',
      attempt: 'removes the patient device',
      expected: 'member_no_right',
      send: (v) =>
        appendAs(v, v.assistant, v.index.assistant, { kind: 'device-remove', index: 2, newEpoch: v.log.newEpoch() }),
    },
    {
      who: 'an assistant',
      attempt: 'rotates to another epoch than the next',
      expected: 'member_bad_epoch',
      send: (v) =>
        appendAs(v, v.assistant, v.index.assistant, {
          kind: 'rotate',
          reason: 3,
          newEpoch: v.log.newEpoch(v.log.state.epoch + 2),
        }),
    },
    {
      who: 'an assistant',
      attempt: 'writes another entry over the head (same seq, other bytes)',
      expected: 'member_replayed',
      send: (v) => {
        const before = v.log.entries.at(-2) ?? new Uint8Array(0);
        const overwrite = signNextEntry(
          v.log.vaultId,
          { seq: head(v) - 1, hash: entryHash(v.log.vaultId, before) },
          { signer: v.index.assistant, time: v.log.time, body: { kind: 'record-delete', records: [RECORD] } },
          keyOf(v, v.index.assistant),
        );
        return v.append(v.assistant, [overwrite]);
      },
    },
    {
      who: 'the recovery principal',
      attempt: 'rotates the epoch',
      expected: 'member_no_right',
      send: (v) => appendAs(v, v.recovery, 1, { kind: 'rotate', reason: 2, newEpoch: v.log.newEpoch() }),
    },
    {
      who: 'the recovery principal',
      attempt: "adds a device to the assistant's person",
      expected: 'member_no_right',
      send: (v) => {
        const id = v.log.identity();
        return appendAs(v, v.recovery, 1, { kind: 'device-add', person: 1, sigPk: id.sigPk, boxPk: id.boxPk });
      },
    },
    {
      who: 'an assistant',
      attempt: "puts an index shard in the professional's scope",
      expected: 'member_bad_target',
      send: (v) =>
        appendAs(v, v.assistant, v.index.assistant, {
          kind: 'scope-extend',
          index: v.index.professional,
          records: [shardOf(v)],
        }),
    },
    {
      who: 'an assistant',
      attempt: 'deletes the index root and an index shard',
      expected: 'member_bad_target',
      send: async (v) => {
        const del = (id: Uint8Array) =>
          appendAs(v, v.assistant, v.index.assistant, { kind: 'record-delete', records: [id] });
        const root = await del(v.indexRecord);
        return code(root) === 'member_bad_target' ? del(shardOf(v)) : root;
      },
    },
    {
      who: 'the recovery principal',
      attempt: 'deletes a record',
      expected: 'member_no_right',
      send: (v) => appendAs(v, v.recovery, 1, { kind: 'record-delete', records: [RECORD] }),
    },
  ],
  'every frame': [
    {
      who: 'the removed assistant',
      attempt: 'authenticates to reach one',
      expected: 'revoked',
      send: async (v) => authenticate(await v.connect(), v.log, v.origin, v.index.removed),
    },
    {
      who: 'the professional',
      attempt: 'authenticates to reach one (professional sessions come with the sharing issue)',
      expected: 'forbidden',
      send: async (v) => authenticate(await v.connect(), v.log, v.origin, v.index.professional),
    },
    {
      who: 'a socket without a session',
      attempt: 'sends each read and write frame',
      expected: 'not_authenticated',
      send: async (v) => {
        const stranger = await v.connect();
        const replies = await Promise.all([
          stranger.request({ type: 'MEMBER_APPEND', entries: [], wraps: [], keyboxes: [] }),
          stranger.request({ type: 'MEMBER_GET', sinceSeq: 0 }),
          stranger.request({ type: 'WRAP_GET', fromEpoch: 0 }),
          push(stranger, RECORD, v.assistantUpdate.bytes),
          stranger.request({ type: 'FETCH', recordId: RECORD, author: 2, fromSeq: 1, toSeq: 3 }),
          stranger.request({ type: 'SYNC', sinceRv: 0, live: false, scope: [] }),
          snapshotPut(stranger, RECORD, 0, v.assistantUpdate.bytes),
          stranger.request({ type: 'BLOB_PUT', blobId: v.blobs.partial.id, recordId: RECORD, size: 3n * 1024n }),
          stranger.request({ type: 'BLOB_CHUNK', blobId: v.blobs.partial.id, offset: 1024n, bytes: new Uint8Array(9) }),
          stranger.request({ type: 'BLOB_GET', blobId: v.blobs.stored.id, offset: 0n }),
        ]);
        return replies.find((r) => code(r) !== 'not_authenticated') ?? replies[0];
      },
    },
  ],
  'keyring wrap (MEMBER_APPEND wraps)': [
    {
      who: 'an assistant',
      attempt: 'files a wrap for the patient device at the current epoch, authored as the patient',
      expected: 'forbidden',
      send: (v) => wrapAs(v, v.assistant, v.index.assistant, { epoch: 1, recipient: 2, author: 2, mhead: head(v) }),
    },
    {
      who: 'an assistant',
      attempt: 'files a wrap for the recovery principal at epoch 0',
      expected: 'forbidden',
      send: (v) => wrapAs(v, v.assistant, v.index.assistant, { epoch: 0, recipient: 1, author: 3, mhead: 0 }),
    },
    {
      who: 'an assistant',
      attempt: 'replaces its own stored wrap of the current epoch',
      expected: 'wrap_exists',
      send: (v) =>
        wrapAs(v, v.assistant, v.index.assistant, {
          epoch: 1,
          recipient: v.index.assistant,
          author: v.index.assistant,
          mhead: head(v),
        }),
    },
    {
      who: 'an assistant',
      attempt: 'files a wrap for the professional (no keyring recipient)',
      expected: 'forbidden',
      send: (v) =>
        wrapAs(v, v.assistant, v.index.assistant, {
          epoch: 1,
          recipient: v.index.professional,
          author: v.index.assistant,
          mhead: head(v),
        }),
    },
    {
      who: 'an assistant',
      attempt: 'files a wrap for the removed assistant',
      expected: 'forbidden',
      send: (v) =>
        wrapAs(v, v.assistant, v.index.assistant, {
          epoch: 1,
          recipient: v.index.removed,
          author: v.index.assistant,
          mhead: head(v),
        }),
    },
    {
      who: 'the recovery principal',
      attempt: 'files a wrap for the patient device',
      expected: 'forbidden',
      send: (v) => wrapAs(v, v.recovery, 1, { epoch: 1, recipient: 2, author: 1, mhead: head(v) }),
    },
  ],
  'keyring wrap (WRAP_GET)': [
    {
      who: 'an assistant',
      attempt: 'asks for wraps',
      expected: 'WRAPS',
      send: (v) => v.assistant.request({ type: 'WRAP_GET', fromEpoch: 0 }),
      answer: (reply, v) => {
        const recipients = reply.type === 'WRAPS' ? reply.wraps.map((w) => readWrapHeader(w)?.recipient) : [];
        expect(recipients).toEqual([v.index.assistant, v.index.assistant]); // its own, epochs 0 and 1, nobody else's
      },
    },
  ],
  'keybox (MEMBER_APPEND keyboxes)': [
    {
      who: 'an assistant',
      attempt: "files a keybox for the professional's share (the relay keeps no keybox before the sharing issue)",
      expected: 'forbidden',
      send: (v) => v.append(v.assistant, [], [], [{ share: v.index.professional, keybox: v.log.random(32) }]),
    },
    {
      who: 'the recovery principal',
      attempt: 'files a keybox',
      expected: 'forbidden',
      send: (v) => v.append(v.recovery, [], [], [{ share: v.index.professional, keybox: v.log.random(32) }]),
    },
  ],
  'update (PUSH)': [
    {
      who: 'an assistant',
      attempt: 'pushes an update authored as the patient device',
      expected: 'wrong_author',
      send: (v) => push(v.assistant, RECORD, updateEnvelope(v.log, 2, RECORD, 4)),
    },
    {
      who: 'an assistant',
      attempt: 'pushes an update under epoch 0',
      expected: 'stale_epoch',
      send: (v) => push(v.assistant, RECORD, updateEnvelope(v.log, v.index.assistant, RECORD, 2, undefined, 0)),
    },
    {
      who: 'an assistant',
      attempt: 'pushes an update citing a head from before the epoch began',
      expected: 'stale_head',
      send: (v) => {
        const cited = { mhead: v.log.state.epochStartSeq - 1, headHash: new Uint8Array(32) };
        return push(v.assistant, RECORD, updateEnvelope(v.log, v.index.assistant, RECORD, 2, undefined, 1, cited));
      },
    },
    {
      who: 'an assistant',
      attempt: 'pushes to the deleted record',
      expected: 'record_deleted',
      send: (v) => push(v.assistant, DELETED, updateEnvelope(v.log, v.index.assistant, DELETED, 1)),
    },
    {
      who: 'an assistant',
      attempt: 'pushes its seq 1 again with other bytes',
      expected: 'bad_sequence',
      send: (v) => push(v.assistant, RECORD, updateEnvelope(v.log, v.index.assistant, RECORD, 1, Uint8Array.of(9))),
    },
    {
      who: 'an assistant',
      attempt: 'pushes its next update in one frame with one authored as the patient',
      expected: 'wrong_author',
      send: (v) =>
        push(
          v.assistant,
          RECORD,
          updateEnvelope(v.log, v.index.assistant, RECORD, 2),
          updateEnvelope(v.log, 2, RECORD, 4),
        ),
    },
    {
      who: 'an assistant',
      attempt: 'pushes a snapshot envelope as an update',
      expected: 'bad_envelope',
      send: (v) => push(v.assistant, RECORD, snapshotEnvelope(v.log, v.index.assistant, RECORD, [])),
    },
    {
      who: 'an assistant',
      attempt: 'resends its seq 1 byte for byte',
      expected: 'ACK',
      send: (v) => push(v.assistant, RECORD, v.assistantUpdate.bytes),
      answer: (reply, v) => expect(reply).toEqual({ type: 'ACK', value: v.assistantUpdate.rv }),
    },
    {
      who: 'the recovery principal',
      attempt: 'pushes an update',
      expected: 'forbidden',
      send: (v) => push(v.recovery, RECORD, updateEnvelope(v.log, 1, RECORD, 1)),
    },
  ],
  'update (FETCH)': [
    {
      who: 'the recovery principal',
      attempt: "fetches the patient's updates",
      expected: 'forbidden',
      send: (v) => v.recovery.request({ type: 'FETCH', recordId: RECORD, author: 2, fromSeq: 1, toSeq: 3 }),
    },
    {
      who: 'the recovery principal',
      attempt: "fetches the patient's updates of an index shard",
      expected: 'forbidden',
      send: (v) => v.recovery.request({ type: 'FETCH', recordId: shardOf(v), author: 2, fromSeq: 1, toSeq: 1 }),
    },
    {
      who: 'an assistant',
      attempt: 'fetches the deleted record',
      expected: 'forbidden',
      send: (v) => v.assistant.request({ type: 'FETCH', recordId: DELETED, author: 2, fromSeq: 1, toSeq: 1 }),
    },
  ],
  'update (SYNC)': [
    {
      who: 'the recovery principal',
      attempt: 'syncs the vault',
      expected: 'forbidden',
      send: (v) => v.recovery.request({ type: 'SYNC', sinceRv: 0, live: false, scope: [] }),
    },
    {
      who: 'the recovery principal',
      attempt: 'syncs the index family (scope = [index_id]) and an index shard',
      expected: 'forbidden',
      send: async (v) => {
        const sync = (id: Uint8Array) => v.recovery.request({ type: 'SYNC', sinceRv: 0, live: false, scope: [id] });
        const root = await sync(v.indexRecord);
        return code(root) === 'forbidden' ? sync(shardOf(v)) : root;
      },
    },
    {
      who: 'an assistant',
      attempt: 'syncs the deleted record',
      expected: 'forbidden',
      send: (v) => v.assistant.request({ type: 'SYNC', sinceRv: 0, live: false, scope: [DELETED] }),
    },
  ],
  'snapshot (SNAPSHOT_PUT)': [
    {
      who: 'an assistant',
      attempt: 'puts a snapshot authored as the patient device',
      expected: 'wrong_author',
      send: (v) => snapshotPut(v.assistant, RECORD, v.snapshotRv, snapshotEnvelope(v.log, 2, RECORD, held(v))),
    },
    {
      who: 'an assistant',
      attempt: 'puts a snapshot under epoch 0',
      expected: 'stale_epoch',
      send: (v) =>
        snapshotPut(v.assistant, RECORD, v.snapshotRv, snapshotEnvelope(v.log, v.index.assistant, RECORD, held(v), 0)),
    },
    {
      who: 'an assistant',
      attempt: 'replaces the active snapshot (its base again, other bytes)',
      expected: 'stale_base',
      send: (v) =>
        snapshotPut(
          v.assistant,
          RECORD,
          0,
          snapshotEnvelope(v.log, v.index.assistant, RECORD, [
            [2, 2],
            [v.index.assistant, 1],
          ]),
        ),
    },
    {
      who: 'an assistant',
      attempt: 'replaces the index snapshot that VAULT_CREATE stored',
      expected: 'stale_base',
      send: (v) =>
        snapshotPut(v.assistant, v.indexRecord, 0, snapshotEnvelope(v.log, v.index.assistant, v.indexRecord, [])),
    },
    {
      who: 'an assistant',
      attempt: "puts a snapshot that leaves out the patient's last update",
      expected: 'snapshot_not_covering',
      send: (v) =>
        snapshotPut(
          v.assistant,
          RECORD,
          v.snapshotRv,
          snapshotEnvelope(v.log, v.index.assistant, RECORD, [
            [2, 2],
            [v.index.assistant, 1],
          ]),
        ),
    },
    {
      who: 'an assistant',
      attempt: 'puts a snapshot of the deleted record',
      expected: 'record_deleted',
      send: (v) => snapshotPut(v.assistant, DELETED, 0, snapshotEnvelope(v.log, v.index.assistant, DELETED, [[2, 1]])),
    },
    {
      who: 'the recovery principal',
      attempt: 'puts a snapshot',
      expected: 'forbidden',
      send: (v) => snapshotPut(v.recovery, RECORD, v.snapshotRv, snapshotEnvelope(v.log, 1, RECORD, held(v))),
    },
  ],
  'deposit (DEPOSIT)': [
    {
      who: 'a professional',
      // Today the professional is refused at AUTH and the relay serves no DEPOSIT (`unknown_frame`): the sharing
      // issue, which serves both, must make this send the DEPOSIT itself and refuse the family id (§12.2) before
      // any other check, so that a professional cannot plant the first snapshot of a shard a device has yet to
      // open and block it with stale_base.
      attempt: 'deposits under an index shard id',
      expected: 'forbidden',
      send: async (v) => authenticate(await v.connect(), v.log, v.origin, v.index.professional),
    },
  ],
  'index snapshot (VAULT_CREATE)': [
    {
      who: 'a stranger',
      attempt: "creates a vault under this vault's id, with its own genesis and index snapshot",
      expected: 'vault_exists',
      send: async (v) => {
        const other = new MembershipLogBuilder(v.seed);
        other.random(32); // same vault id and relay key, other device key and epoch secret
        return createVault(await v.connect(), other.genesis(), v.origin);
      },
    },
  ],
  'blob (BLOB_PUT)': [
    {
      who: 'the recovery principal',
      attempt: 'announces a blob',
      expected: 'forbidden',
      send: (v) => v.recovery.request({ type: 'BLOB_PUT', blobId: v.log.random(32), recordId: RECORD, size: 100n }),
    },
    {
      who: 'an assistant',
      attempt: 'announces a blob of the deleted record',
      expected: 'forbidden',
      send: (v) => v.assistant.request({ type: 'BLOB_PUT', blobId: v.log.random(32), recordId: DELETED, size: 100n }),
    },
    {
      who: 'an assistant',
      attempt: 'announces a complete blob again under another record and size',
      expected: 'ACK',
      send: (v) =>
        v.assistant.request({
          type: 'BLOB_PUT',
          blobId: v.blobs.stored.id,
          recordId: new Uint8Array(16).fill(0x33),
          size: 7n,
        }),
      answer: (reply, v) => expect(reply).toEqual({ type: 'ACK', value: v.blobs.stored.bytes.length }),
    },
  ],
  'blob (BLOB_CHUNK)': [
    {
      who: 'an assistant',
      attempt: "sends a chunk into the patient's unfinished upload",
      expected: 'unknown_blob',
      send: (v) =>
        v.assistant.request({
          type: 'BLOB_CHUNK',
          blobId: v.blobs.partial.id,
          offset: BigInt(CHUNK),
          bytes: new Uint8Array(CHUNK),
        }),
    },
  ],
  'blob (BLOB_PUT, BLOB_CHUNK)': [
    {
      who: 'an assistant',
      attempt: 'overwrites a complete blob: announces it, then sends other bytes at 0',
      expected: 'unknown_blob',
      send: async (v) => {
        const { id, bytes } = v.blobs.stored;
        const announced = await v.assistant.request({
          type: 'BLOB_PUT',
          blobId: id,
          recordId: RECORD,
          size: BigInt(bytes.length),
        });
        expect(announced).toEqual({ type: 'ACK', value: bytes.length });
        return v.assistant.request({ type: 'BLOB_CHUNK', blobId: id, offset: 0n, bytes: new Uint8Array(bytes.length) });
      },
    },
  ],
  'blob (BLOB_GET)': [
    {
      who: 'the recovery principal',
      attempt: 'reads a complete blob',
      expected: 'forbidden',
      send: (v) => v.recovery.request({ type: 'BLOB_GET', blobId: v.blobs.stored.id, offset: 0n }),
    },
    {
      who: 'the recovery principal',
      attempt: 'asks for a blob id that does not exist (no answer tells which ids exist)',
      expected: 'forbidden',
      send: (v) => v.recovery.request({ type: 'BLOB_GET', blobId: v.log.random(32), offset: 0n }),
    },
    {
      who: 'an assistant',
      attempt: 'reads the blob of the deleted record',
      expected: 'forbidden',
      send: (v) => v.assistant.request({ type: 'BLOB_GET', blobId: v.blobs.ofDeleted.id, offset: 0n }),
    },
  ],
};

describe('stored objects: every write refused for another principal, epoch or record, nothing replaced (case 20)', () => {
  let v: StoredObjectsVault | undefined;
  const vault = (): StoredObjectsVault => {
    if (v === undefined) throw new Error('no vault');
    return v;
  };
  beforeAll(async () => {
    v = await startStoredObjectsVault();
  });
  afterAll(async () => {
    await v?.stop();
  });
  let before: { rows: SqliteRows; view: PatientView };
  beforeEach(async () => {
    before = { rows: vault().rows(), view: await vault().view() };
  });

  for (const [object, row] of Object.entries(TABLE).flatMap(([o, rows]) => rows.map((r) => [o, r] as const))) {
    const outcome = row.answer === undefined ? 'nothing stored' : 'a no-op';
    it(`${object}: ${row.who} ${row.attempt} -> ${row.expected}, ${outcome}`, async () => {
      const reply = await row.send(vault());
      expect(code(reply)).toBe(row.expected);
      row.answer?.(reply, vault());
      expect(vault().rows()).toEqual(before.rows);
      expect(await vault().view()).toEqual(before.view);
    });
  }

  // Not a refusal: §9 lets another principal restart an unfinished upload as its own (so an honest device can
  // take back an upload a cut left behind). What must not stick is what the restart announced.
  it("blob (BLOB_PUT): an assistant that announces the patient's next blob first, under another size and record, keeps nothing: the patient's upload completes under its own", async () => {
    const { assistant, patient, log } = vault();
    const blob = testBlob(3 * CHUNK);
    const other = new Uint8Array(16).fill(0x33);
    const announce = (client: RelayClient, recordId: Uint8Array, size: number) =>
      client.request({ type: 'BLOB_PUT', blobId: blob.id, recordId, size: BigInt(size) });
    expect(await announce(assistant, other, 2 * CHUNK)).toEqual({ type: 'ACK', value: 0 });
    void assistant.request({ type: 'BLOB_CHUNK', blobId: blob.id, offset: 0n, bytes: log.random(32) });
    await barrier(assistant);
    expect(await announce(patient, RECORD, 3 * CHUNK)).toEqual({ type: 'ACK', value: 0 });
    expect(await sendChunks(patient, blob, 0, CHUNK)).toEqual({ type: 'ACK', value: 3 * CHUNK });
    expect(await downloadBlob(patient, blob.id)).toEqual(blob.bytes);
    const after = vault().rows();
    const row = [toHex(vault().log.vaultId), toHex(blob.id), toHex(RECORD), 3 * CHUNK, 3 * CHUNK, 1];
    expect(after.blobs).toContain(JSON.stringify(row));
    const used = (rows: SqliteRows): number => (JSON.parse(rows.vaults?.[0] ?? '[]') as number[])[2] ?? Number.NaN;
    expect(used(after) - used(before.rows)).toBe(3 * CHUNK);
  });
});

describe('frames in flight when their sender is removed (case 20: a removed assistant)', () => {
  it('PUSH, SNAPSHOT_PUT, BLOB_PUT, BLOB_CHUNK and MEMBER_APPEND of an assistant, waiting for the vault while it is removed: none is stored', async () => {
    const log = new MembershipLogBuilder(`in-flight-${Math.random()}`).genesis();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-in-flight-'));
    const file = path.join(dataDir, 'relay.sqlite');
    // The test holds the removal's transaction open until the assistant's frames wait behind it.
    let hold: { reached: () => void; release: Promise<void> } | undefined;
    const store = interposeStore(openSqliteStore(file), (method) => {
      if (method !== 'appendMembership' || hold === undefined) return undefined;
      const held = hold;
      hold = undefined;
      held.reached();
      return held.release;
    });
    const relay = await startTestRelay({
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
      store,
      dataDir,
    });
    const origin = localOrigin(relay.port);
    const clients: RelayClient[] = [];
    const session = async (principal: number): Promise<RelayClient> => {
      const client = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
      clients.push(client);
      if (principal === 2) expect(code(await createVault(client, log, origin))).toBe('SESSION');
      else expect(code(await authenticate(client, log, origin, principal))).toBe('SESSION');
      return client;
    };
    try {
      const patient = await session(2);
      const first = log.entries.length;
      const assistant = log.addAssistant(2).index;
      const append = (entries: Uint8Array[], wraps: Uint8Array[] = []) =>
        patient.request({ type: 'MEMBER_APPEND', entries, wraps, keyboxes: [] });
      expect(code(await append(log.entries.slice(first), rotationWraps(log, 2, [assistant])))).toBe('ACK');
      const own = await session(assistant);
      expect(code(await push(own, RECORD, updateEnvelope(log, assistant, RECORD, 1)))).toBe('ACK');
      const started = testBlob(2 * CHUNK);
      const put = { type: 'BLOB_PUT', blobId: started.id, recordId: RECORD, size: BigInt(2 * CHUNK) } as const;
      expect(await own.request(put)).toEqual({ type: 'ACK', value: 0 });
      void own.request({ type: 'BLOB_CHUNK', blobId: started.id, offset: 0n, bytes: started.bytes.subarray(0, CHUNK) });
      await barrier(own);
      const sockets = await Promise.all([1, 2, 3, 4, 5].map(() => session(assistant)));
      const before = readAllRows(file);

      let release = (): void => undefined;
      const reached = new Promise<void>((resolve) => {
        hold = { reached: resolve, release: new Promise((r) => (release = r)) };
      });
      const removal = log.entries.length;
      log.append(2, { kind: 'assistant-remove', person: 1, newEpoch: log.newEpoch() });
      const removed = append(log.entries.slice(removal), rotationWraps(log, 2));
      await reached;
      const [s1, s2, s3, s4, s5] = sockets;
      if (s1 === undefined || s2 === undefined || s3 === undefined || s4 === undefined || s5 === undefined)
        throw new Error('five sockets');
      const late = testBlob(CHUNK);
      // Each on its own socket, so each waits for the vault lock (one socket's frames run one after the other).
      void push(s1, RECORD, updateEnvelope(log, assistant, RECORD, 2));
      void snapshotPut(s2, RECORD, 0, snapshotEnvelope(log, assistant, RECORD, [[assistant, 1]]));
      void s3.request({ type: 'BLOB_PUT', blobId: late.id, recordId: RECORD, size: BigInt(CHUNK) });
      void s4.request({
        type: 'BLOB_CHUNK',
        blobId: started.id,
        offset: BigInt(CHUNK),
        bytes: started.bytes.subarray(CHUNK),
      });
      void s5.request({
        type: 'MEMBER_APPEND',
        entries: [log.draft(assistant, { kind: 'reopen' })],
        wraps: [],
        keyboxes: [],
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      release();
      expect(code(await removed)).toBe('ACK');
      // Taken after the assistant's frames in the lock's queue: answered once they were handled.
      expect(code(await append([]))).toBe('ACK');
      for (const socket of sockets) expect((await socket.closed).code).toBe(1008);
      const after = readAllRows(file);
      for (const table of ['envelopes', 'high_water', 'records', 'blobs', 'blob_chunks'])
        expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
      expect(after.members).toEqual(expect.arrayContaining(before.members ?? []));
      expect(after.members?.length).toBe((before.members?.length ?? 0) + 1);
    } finally {
      for (const client of clients) client.close();
      await relay.stop();
    }
  });
});
