// Issue 12 item 6 (security.md cases 22 and 24: disk, races): announced sizes are reserved, an upload belongs to
// a principal and resumes after a cut, the stored bytes are re-hashed before a blob is complete, and a failed
// upload gives its bytes back to the in-memory counter too. Before issue 12, eight 1000 KiB blobs in parallel
// on a 1 MiB quota all succeeded, a second uploader of one blob id broke the honest upload, and a failed upload
// left the quota counter drifted upward.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hashWithDomain, ready } from '#crypto';
import type { ClientFrame, RelayFrame } from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import { authenticate, createVault, localOrigin, RelayClient, type Reply } from '#tests/helpers/relay-client';

await ready();
const RECORD = new Uint8Array(16).fill(3);
const CHUNK = 512 * 1024;
const KiB = 1024;
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

function blob(size: number): { bytes: Uint8Array; id: Uint8Array } {
  // node's generator: libsodium's takes seconds per MiB here, and these bytes need no secrecy.
  const bytes = new Uint8Array(randomBytes(size));
  return { bytes, id: hashWithDomain('carnet/v1/blob-id', bytes) };
}

/**
 * Sends chunks from `from` to `to`; answers the final chunk's reply or the first error. A partial send (not up to
 * the end: nothing answers it unless refused) answers `partial` once the relay had time to commit it.
 */
async function sendChunks(
  client: RelayClient,
  b: { bytes: Uint8Array; id: Uint8Array },
  from: number,
  to = b.bytes.length,
): Promise<Reply | 'partial'> {
  const replies: Promise<Reply>[] = [];
  for (let offset = from; offset < to; offset += CHUNK) {
    const bytes = b.bytes.subarray(offset, Math.min(offset + CHUNK, to));
    replies.push(client.request({ type: 'BLOB_CHUNK', blobId: b.id, offset: BigInt(offset), bytes }));
  }
  const never = new Promise<Reply>(() => undefined);
  const errors = replies.map((r) => r.then((x) => (x.type === 'error' ? x : never)));
  const end =
    to === b.bytes.length
      ? (replies.at(-1) ?? never)
      : new Promise<'partial'>((resolve) => setTimeout(() => resolve('partial'), 500));
  return Promise.race([end, ...errors]);
}

const codeOf = (reply: Reply | 'partial'): string => (reply === 'partial' ? reply : code(reply));

async function upload(client: RelayClient, b: { bytes: Uint8Array; id: Uint8Array }): Promise<Reply> {
  const start = await client.request({
    type: 'BLOB_PUT',
    blobId: b.id,
    recordId: RECORD,
    size: BigInt(b.bytes.length),
  });
  if (start.type !== 'ACK' || start.value !== 0) return start;
  const end = await sendChunks(client, b, 0);
  if (end === 'partial') throw new Error('a whole upload cannot end partial');
  return end;
}

describe('blob uploads under races and cuts (issue 12 item 6)', () => {
  let relay: TestRelay | undefined;
  let log: MembershipLogBuilder;
  let origin: string;
  const clients: RelayClient[] = [];
  const session = async (principal = 2): Promise<RelayClient> => {
    if (relay === undefined) throw new Error('no relay');
    const client = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    clients.push(client);
    expect(code(await authenticate(client, log, origin, principal))).toBe('SESSION');
    return client;
  };
  const start = async (quota?: number): Promise<RelayClient> => {
    log = new MembershipLogBuilder(`blob-races-${Math.random()}`).genesis();
    relay = await startTestRelay({
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
      ...(quota === undefined ? {} : { limits: { vaultQuotaBytes: quota } }),
    });
    origin = localOrigin(relay.port);
    const a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    clients.push(a);
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
    return a;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await relay?.stop();
    relay = undefined;
  });

  it('8 parallel 1000 KiB uploads on a 1 MiB quota: exactly one succeeds', async () => {
    await start(1024 * KiB);
    const sockets = await Promise.all(Array.from({ length: 8 }, () => session()));
    const blobs = sockets.map(() => blob(1000 * KiB));
    const answers = (await Promise.all(sockets.map((s, i) => upload(s, blobs[i] ?? blob(2))))).map(code);
    console.log(`8 parallel 1000 KiB uploads on a 1 MiB quota: ${JSON.stringify(answers)}`);
    expect(answers.filter((a) => a === 'ACK')).toHaveLength(1);
    expect(answers.filter((a) => a === 'quota_exceeded')).toHaveLength(7);
  });

  it('two uploads of one blob id: the honest one completes with the right bytes; a garbage one is refused', async () => {
    const honest = await start();
    const first = log.entries.length;
    const other = log.addDevice(2, 0);
    expect(
      code(await honest.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps: [], keyboxes: [] })),
    ).toBe('ACK');
    const attacker = await session(other);
    const b = blob(2 * CHUNK + 1000);
    const put = { type: 'BLOB_PUT', blobId: b.id, recordId: RECORD, size: BigInt(b.bytes.length) } as const;
    const garbage = { bytes: new Uint8Array(b.bytes.length).fill(7), id: b.id };
    // The honest device stores two chunks; the attacker then announces the same id and stores garbage there.
    expect(await honest.request(put)).toEqual({ type: 'ACK', value: 0 });
    expect(await sendChunks(honest, b, 0, 2 * CHUNK)).toBe('partial');
    expect(await attacker.request(put)).toEqual({ type: 'ACK', value: 0 });
    expect(await sendChunks(attacker, garbage, 0, 2 * CHUNK)).toBe('partial');
    // The honest device's last chunk no longer completes anything (on a16b06f it did: garbage marked complete).
    const last = await sendChunks(honest, b, 2 * CHUNK);
    expect(codeOf(last)).toBe('unknown_blob');
    // It announces again, takes the upload back and completes it with its own bytes.
    expect(await upload(honest, b)).toEqual({ type: 'ACK', value: b.bytes.length });
    expect(codeOf(await sendChunks(attacker, garbage, 2 * CHUNK))).toBe('unknown_blob');
    const got: Uint8Array[] = [];
    let frame: RelayFrame | Reply = await honest.request({ type: 'BLOB_GET', blobId: b.id, offset: 0n });
    for (;;) {
      if (frame.type !== 'BLOB_DATA') throw new Error(`unexpected ${frame.type}`);
      got.push(frame.bytes);
      if (frame.final) break;
      frame = await honest.nextPush();
    }
    expect(Buffer.concat(got).equals(Buffer.from(b.bytes))).toBe(true);
    // A whole upload whose bytes do not hash to its id is refused at the last chunk.
    const fake = { bytes: garbage.bytes, id: blob(10).id };
    expect(code(await upload(attacker, fake))).toBe('blob_hash_mismatch');
  });

  it('a failed upload gives its bytes back: a valid upload that fits the quota then succeeds', async () => {
    const a = await start(1024 * KiB);
    const good = blob(600 * KiB);
    const bad = { bytes: Uint8Array.from(good.bytes), id: good.id };
    bad.bytes.set([(bad.bytes.at(-1) ?? 0) ^ 1], bad.bytes.length - 1); // the last chunk does not match the id
    expect(code(await upload(a, bad))).toBe('blob_hash_mismatch');
    const next = blob(900 * KiB);
    expect(await upload(a, next)).toEqual({ type: 'ACK', value: next.bytes.length });
  });

  it('resumes an upload from the stored offset after the socket is cut, on a new socket of the same principal', async () => {
    await start();
    const first = await session();
    const b = blob(3 * CHUNK + 77);
    expect(
      await first.request({ type: 'BLOB_PUT', blobId: b.id, recordId: RECORD, size: BigInt(b.bytes.length) }),
    ).toEqual({ type: 'ACK', value: 0 });
    expect(await sendChunks(first, b, 0, 2 * CHUNK)).toBe('partial');
    first.ws.terminate();
    const second = await session();
    const resumed = await second.request({
      type: 'BLOB_PUT',
      blobId: b.id,
      recordId: RECORD,
      size: BigInt(b.bytes.length),
    });
    expect(resumed).toEqual({ type: 'ACK', value: 2 * CHUNK });
    expect(await sendChunks(second, b, 2 * CHUNK)).toEqual({ type: 'ACK', value: b.bytes.length });
  });

  it('a reservation holds back the quota for membership entries too (before, only pushes and snapshots saw it)', async () => {
    const a = await start(1024 * KiB);
    const b = blob(1000 * KiB);
    const put = { type: 'BLOB_PUT', blobId: b.id, recordId: RECORD, size: BigInt(b.bytes.length) } as const;
    expect(await a.request(put)).toEqual({ type: 'ACK', value: 0 });
    // 1000 KiB reserved of 1024: a device-add with a few KiB of wraps and entries no longer fits...
    const first = log.entries.length;
    for (let i = 0; i < 200; i++) log.addDevice(2, 0);
    const append: ClientFrame = { type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps: [], keyboxes: [] };
    const bytes = log.entries.slice(first).reduce((n, e) => n + e.length, 0);
    expect(bytes).toBeGreaterThan(24 * KiB);
    expect(code(await a.request(append))).toBe('quota_exceeded');
    // ...and once the upload is done (its reservation now stored bytes), the same append is still refused.
    expect(await sendChunks(a, b, 0)).toEqual({ type: 'ACK', value: b.bytes.length });
    expect(code(await a.request(append))).toBe('quota_exceeded');
  });
});
