// The vault that every row of stored-objects-authorisation.test.ts attacks (security.md case 20): one of each
// principal and of each object the relay stores today, at epoch 1 so that epoch 0 is "another epoch".
//   0 relay · 1 recovery · 2 patient device · 3 assistant · 4 assistant, removed · 5 professional (claimed link)
//   RECORD: updates of the patient (seq 1-3) and of the assistant (seq 1), an active snapshot between them
//   DELETED: an update and a blob, then deleted by a record-delete entry
//   blobs: one complete, one of the deleted record, one unfinished (its first chunk stored)
import path from 'node:path';
import { expect } from 'vitest';
import { toHex } from '#crypto';
import { barrier, downloadBlob, testBlob, uploadBlob, type TestBlob } from '#tests/helpers/blob-upload';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import {
  authenticate,
  createVault,
  localOrigin,
  RelayClient,
  rotationWraps,
  snapshotEnvelope,
  updateEnvelope,
  type Reply,
} from '#tests/helpers/relay-client';
import { readAllRows, type SqliteRows } from '#tests/helpers/sqlite-rows';

export const RECORD = new Uint8Array(16).fill(0x11);
export const DELETED = new Uint8Array(16).fill(0x22);
export const CHUNK = 1024;

const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** What the patient's device is served: the log, its wraps, every envelope it may read, the complete blob. */
export interface PatientView {
  entries: string[];
  wraps: string[];
  envelopes: string[];
  blob: string;
}

export interface StoredObjectsVault {
  /** The builder's seed: a second builder on it makes another genesis for the same vault id. */
  seed: string;
  relay: TestRelay;
  log: MembershipLogBuilder;
  origin: string;
  /** Open sessions: the honest patient device, and the two weakest members that reach write frames. */
  patient: RelayClient;
  assistant: RelayClient;
  recovery: RelayClient;
  index: { assistant: number; removed: number; professional: number };
  indexRecord: Uint8Array;
  blobs: { stored: TestBlob; partial: TestBlob; ofDeleted: TestBlob };
  /** The assistant's update seq 1 of RECORD as it pushed it, and the rv it was stored at. */
  assistantUpdate: { bytes: Uint8Array; rv: number };
  /** rv of RECORD's active snapshot. */
  snapshotRv: number;
  connect(): Promise<RelayClient>;
  /** MEMBER_APPEND of `entries` with `wraps` (and keyboxes) on `client`. */
  append(
    client: RelayClient,
    entries: Uint8Array[],
    wraps?: Uint8Array[],
    keyboxes?: { share: number; keybox: Uint8Array }[],
  ): Promise<Reply>;
  /** Every row of the relay's database. */
  rows(): SqliteRows;
  view(): Promise<PatientView>;
  stop(): Promise<void>;
}

export async function startStoredObjectsVault(): Promise<StoredObjectsVault> {
  const seed = `stored-objects-${Math.random()}`;
  const log = new MembershipLogBuilder(seed).genesis();
  const relay = await startTestRelay({
    identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
    limits: { connectionsPerMinute: 10_000 },
  });
  const origin = localOrigin(relay.port);
  const clients: RelayClient[] = [];
  const connect = async (): Promise<RelayClient> => {
    const client = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    clients.push(client);
    return client;
  };
  const session = async (principal: number): Promise<RelayClient> => {
    const client = await connect();
    expect(code(await authenticate(client, log, origin, principal))).toBe('SESSION');
    return client;
  };
  const append: StoredObjectsVault['append'] = (client, entries, wraps = [], keyboxes = []) =>
    client.request({ type: 'MEMBER_APPEND', entries, wraps, keyboxes });
  const ok = async (reply: Promise<Reply>): Promise<Reply> => {
    const got = await reply;
    expect(code(got)).toBe('ACK');
    return got;
  };

  const patient = await connect();
  expect(code(await createVault(patient, log, origin))).toBe('SESSION');
  // Two assistants and a professional (a link the patient creates and a professional claims), at epoch 0.
  let first = log.entries.length;
  const assistantIndex = log.addAssistant(2).index;
  const removed = log.addAssistant(2).index;
  const professional = log.claimLink(log.createLink(2, [RECORD]));
  await ok(append(patient, log.entries.slice(first), rotationWraps(log, 2, [assistantIndex, removed])));
  const assistant = await session(assistantIndex);
  // The second assistant is removed: epoch 1.
  first = log.entries.length;
  log.append(2, { kind: 'assistant-remove', person: 2, newEpoch: log.newEpoch() });
  await ok(append(patient, log.entries.slice(first), rotationWraps(log, 2)));

  const push = async (client: RelayClient, author: number, recordId: Uint8Array, seq: number) => {
    const bytes = updateEnvelope(log, author, recordId, seq);
    const reply = await ok(client.request({ type: 'PUSH', recordId, updates: [bytes] }));
    return { bytes, rv: reply.type === 'ACK' ? reply.value : 0 };
  };
  await push(patient, 2, RECORD, 1);
  await push(patient, 2, RECORD, 2);
  const assistantUpdate = await push(assistant, assistantIndex, RECORD, 1);
  await push(patient, 2, DELETED, 1);
  const snapshot = snapshotEnvelope(log, 2, RECORD, [
    [2, 2],
    [assistantIndex, 1],
  ]);
  const put = await ok(patient.request({ type: 'SNAPSHOT_PUT', recordId: RECORD, baseRv: 0, snapshot }));
  await push(patient, 2, RECORD, 3);

  const blobs = { stored: testBlob(3 * CHUNK + 10), partial: testBlob(3 * CHUNK), ofDeleted: testBlob(CHUNK + 1) };
  await ok(uploadBlob(patient, RECORD, blobs.stored, CHUNK));
  await ok(uploadBlob(patient, DELETED, blobs.ofDeleted, CHUNK));
  const { partial } = blobs;
  await ok(patient.request({ type: 'BLOB_PUT', blobId: partial.id, recordId: RECORD, size: BigInt(CHUNK * 3) }));
  void patient.request({ type: 'BLOB_CHUNK', blobId: partial.id, offset: 0n, bytes: partial.bytes.subarray(0, CHUNK) });
  await barrier(patient);

  first = log.entries.length;
  log.append(2, { kind: 'record-delete', records: [DELETED] });
  await ok(append(patient, log.entries.slice(first)));
  const recovery = await session(1);

  const view = async (): Promise<PatientView> => {
    const log = await patient.request({ type: 'MEMBER_GET', sinceSeq: 0 });
    const wraps = await patient.request({ type: 'WRAP_GET', fromEpoch: 0 });
    const frames = await patient.sync(0, false);
    const blob = await downloadBlob(patient, blobs.stored.id);
    if (log.type !== 'MEMBER_ENTRIES' || wraps.type !== 'WRAPS' || !(blob instanceof Uint8Array))
      throw new Error('the patient is no longer served');
    return {
      entries: log.entries.map(toHex),
      wraps: wraps.wraps.map(toHex),
      envelopes: frames.flatMap((f) =>
        f.type === 'RECORDS' ? f.groups.flatMap((g) => g.envelopes.map((e) => `${toHex(g.recordId)}:${toHex(e)}`)) : [],
      ),
      blob: toHex(blob),
    };
  };

  return {
    seed,
    relay,
    log,
    origin,
    patient,
    assistant,
    recovery,
    index: { assistant: assistantIndex, removed, professional },
    indexRecord: Uint8Array.from(Buffer.from(log.state.indexId, 'hex')),
    blobs,
    assistantUpdate,
    snapshotRv: put.type === 'ACK' ? put.value : 0,
    connect,
    append,
    rows: () => readAllRows(path.join(relay.dataDir, 'relay.sqlite')),
    view,
    stop: async () => {
      for (const client of clients) client.close();
      await relay.stop();
    },
  };
}
