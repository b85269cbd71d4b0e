import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { concat, domain, hashWithDomain, ready, sodium } from '#crypto';
import type { RelayFrame } from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { startTestRelay, type TestRelay } from '#tests/helpers/relay';
import { authenticate, createVault, localOrigin, RelayClient, type Reply } from '#tests/helpers/relay-client';

await ready();
const RECORD = new Uint8Array(16).fill(3);
const CHUNK = 512 * 1024;
const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

/** An opaque "encrypted attachment" and its content address `H(D("carnet/v1/blob-id") ‖ blob)` (§9). */
function blob(size: number): { bytes: Uint8Array; id: Uint8Array } {
  const bytes = sodium().randombytes_buf(size);
  return { bytes, id: hashWithDomain('carnet/v1/blob-id', bytes) };
}

async function upload(client: RelayClient, b: { bytes: Uint8Array; id: Uint8Array }): Promise<Reply> {
  const start = await client.request({
    type: 'BLOB_PUT',
    blobId: b.id,
    recordId: RECORD,
    size: BigInt(b.bytes.length),
  });
  if (start.type !== 'ACK' || start.value !== 0) return start;
  let last: Reply = start;
  for (let offset = 0; offset < b.bytes.length; offset += CHUNK) {
    const bytes = b.bytes.subarray(offset, offset + CHUNK);
    const final = offset + CHUNK >= b.bytes.length;
    const sent = client.request({ type: 'BLOB_CHUNK', blobId: b.id, offset: BigInt(offset), bytes });
    // Only the last chunk is answered (ACK after commit and hash check); earlier ones only on error.
    if (final) last = await sent;
  }
  return last;
}

describe('relay blobs (PROTOCOL.md §9, §12.2)', () => {
  let relay: TestRelay;
  let log: MembershipLogBuilder;
  let origin: string;
  let a: RelayClient;

  beforeEach(async () => {
    log = new MembershipLogBuilder(`relay-blobs-${Math.random()}`).genesis();
    relay = await startTestRelay({ identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk } });
    origin = localOrigin(relay.port);
    a = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await createVault(a, log, origin))).toBe('SESSION');
  });
  afterEach(async () => {
    a.close();
    await relay.stop();
  });

  it('stores a multi-chunk blob by content hash and streams it back byte for byte', async () => {
    const b = blob(3 * CHUNK + 12_345);
    expect(await upload(a, b)).toEqual({ type: 'ACK', value: b.bytes.length });
    // Content-addressed: announcing it again answers with its size at once.
    expect(await a.request({ type: 'BLOB_PUT', blobId: b.id, recordId: RECORD, size: BigInt(b.bytes.length) })).toEqual(
      {
        type: 'ACK',
        value: b.bytes.length,
      },
    );
    const reader = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    const first = log.entries.length;
    const device = log.addDevice(2, 0);
    await a.request({ type: 'MEMBER_APPEND', entries: log.entries.slice(first), wraps: [], keyboxes: [] });
    expect(code(await authenticate(reader, log, origin, device))).toBe('SESSION');
    const parts: Uint8Array[] = [];
    let done = false;
    const firstReply = await reader.request({ type: 'BLOB_GET', blobId: b.id, offset: 0n });
    const frames: (RelayFrame | Reply)[] = [firstReply];
    while (!done) {
      const frame = frames.shift() ?? (await reader.nextPush());
      if (frame.type !== 'BLOB_DATA') throw new Error(`unexpected ${frame.type}`);
      parts.push(frame.bytes);
      done = frame.final;
    }
    expect(Buffer.from(concat(...parts)).equals(Buffer.from(b.bytes))).toBe(true);
    reader.close();
    // Each chunk is its own fsync'd transaction (synchronous=FULL): slow on a loaded machine, hence the timeout.
  }, 120_000);

  it('refuses a blob whose hash does not match', async () => {
    const b = blob(1000);
    const forged = { bytes: b.bytes, id: hashWithDomain('carnet/v1/blob-id', concat(domain('x'), b.bytes)) };
    expect(code(await upload(a, forged))).toBe('blob_hash_mismatch');
    expect(code(await a.request({ type: 'BLOB_GET', blobId: forged.id, offset: 0n }))).toBe('unknown_blob');
  });

  it('refuses chunks out of order, beyond the size, or for an unannounced blob', async () => {
    const b = blob(2000);
    expect(code(await a.request({ type: 'BLOB_CHUNK', blobId: b.id, offset: 0n, bytes: b.bytes }))).toBe(
      'unknown_blob',
    );
    await a.request({ type: 'BLOB_PUT', blobId: b.id, recordId: RECORD, size: 2000n });
    expect(code(await a.request({ type: 'BLOB_CHUNK', blobId: b.id, offset: 10n, bytes: b.bytes.subarray(10) }))).toBe(
      'bad_frame',
    );
    expect(
      code(
        await a.request({ type: 'BLOB_CHUNK', blobId: b.id, offset: 0n, bytes: concat(b.bytes, new Uint8Array(1)) }),
      ),
    ).toBe('too_large');
  });

  it('refuses a blob over the size limit and over the vault quota', async () => {
    const huge = blob(16);
    expect(
      code(await a.request({ type: 'BLOB_PUT', blobId: huge.id, recordId: RECORD, size: 200n * 1024n * 1024n })),
    ).toBe('too_large');
    const small = await startTestRelay({
      identity: { publicKey: log.relay.sigPk, secretKey: log.relay.sigSk },
      limits: { vaultQuotaBytes: 10_000 },
    });
    const client = await RelayClient.connect(small.wsUrl, log.relay.sigPk, localOrigin(small.port));
    expect(code(await createVault(client, log, localOrigin(small.port)))).toBe('SESSION');
    expect(code(await client.request({ type: 'BLOB_PUT', blobId: huge.id, recordId: RECORD, size: 20_000n }))).toBe(
      'quota_exceeded',
    );
    client.close();
    await small.stop();
  });

  it('only members and grantees of the record may fetch a blob', async () => {
    const b = blob(100);
    await upload(a, b);
    const anonymous = await RelayClient.connect(relay.wsUrl, log.relay.sigPk, origin);
    expect(code(await anonymous.request({ type: 'BLOB_GET', blobId: b.id, offset: 0n }))).toBe('not_authenticated');
    anonymous.close();
  });
});
