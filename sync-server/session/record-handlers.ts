import { equal, hash, toHex } from '#crypto';
import { readEnvelopeHeader, type ClientFrame, type RecordGroup } from '#protocol';
import type { EnvelopeRow, NewEnvelope } from '../store/relay-store.ts';
import type { VaultHandle } from '../hub/vault-hub.ts';
import { fanOut, mayRead, mayWrite } from './record-access.ts';
import { relayFrame } from './relay-frame.ts';
import { refuse } from './wire-error.ts';
import type { SessionContext } from './session-context.ts';

type Auth = NonNullable<SessionContext['auth']>;

function authenticated(ctx: SessionContext): Auth {
  if (ctx.auth === undefined) refuse('not_authenticated', 'authenticate first');
  return ctx.auth;
}

function checkWriter(
  vault: VaultHandle,
  principal: number,
  recordId: Uint8Array,
  author: number,
  epoch: number,
  mhead: number,
): void {
  const state = vault.membership;
  if (!mayWrite(state, principal)) refuse('forbidden', 'this principal may not write records');
  if (state.deletedRecords.has(toHex(recordId))) refuse('record_deleted', 'record was deleted');
  if (author !== principal) refuse('wrong_author', 'envelope author is not the session principal');
  if (epoch !== state.epoch) refuse('stale_epoch', 'epoch is not current', { expected: state.epoch });
  const head = state.head?.seq ?? 0;
  if (mhead < state.epochStartSeq || mhead > head) refuse('stale_head', 'cited membership head out of range');
}

/**
 * PUSH (§13.2): the whole frame in one transaction, ACK only after the commit, then fan-out. A resend of an
 * accepted update with identical bytes is answered with its original rv, so a lost ACK is harmless.
 */
export async function handlePush(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'PUSH' }>,
): Promise<void> {
  const { vault, principal, self } = authenticated(ctx);
  await vault.lock.run(async () => {
    const record = await ctx.hub.record(vault, frame.recordId);
    if (record.deleted) refuse('record_deleted', 'record was deleted');
    const hw = new Map(record.hw);
    const fresh: NewEnvelope[] = [];
    let lastRv = 0;
    let bytes = 0;
    for (const update of frame.updates) {
      const header = readEnvelopeHeader(update);
      if (header?.type !== 'update') refuse('bad_envelope', 'not an update envelope');
      checkWriter(vault, principal, frame.recordId, header.author, header.epoch, header.mhead);
      const expected = (hw.get(header.author) ?? 0) + 1;
      if (header.seq < expected) {
        const known = await ctx.store.findUpdate(vault.vaultId, frame.recordId, header.author, header.seq);
        if (known !== undefined && equal(known.hash, hash(update))) {
          lastRv = Math.max(lastRv, known.rv);
          continue;
        }
        refuse('bad_sequence', 'sequence already used', { expected });
      }
      if (header.seq > expected && ctx.faults.acceptSequenceGap !== true)
        refuse('bad_sequence', 'sequence gap', { expected });
      hw.set(header.author, header.seq);
      fresh.push({
        recordId: frame.recordId,
        kind: 'update',
        author: header.author,
        seq: header.seq,
        bytes: update,
        hash: hash(update),
      });
      bytes += update.length;
    }
    if (vault.usedBytes + bytes > ctx.limits.vaultQuotaBytes) refuse('quota_exceeded', 'vault quota reached');
    if (fresh.length > 0) {
      const firstRv = vault.rv + 1;
      lastRv = firstRv + fresh.length - 1;
      if (ctx.faults.ackBeforeCommit === true) ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: lastRv }));
      await ctx.store.commitEnvelopes(vault.vaultId, firstRv, fresh, bytes);
      vault.rv = lastRv;
      vault.usedBytes += bytes;
      record.hw = hw;
    }
    if (ctx.faults.ackBeforeCommit !== true || fresh.length === 0)
      ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: lastRv }));
    if (fresh.length > 0) {
      const push = relayFrame(0, {
        type: 'RECORDS',
        rv: lastRv,
        groups: [{ recordId: frame.recordId, envelopes: fresh.map((e) => e.bytes) }],
      });
      fanOut(vault, self, frame.recordId, push, { skipCheck: ctx.faults.skipBroadcastCheck === true });
    }
  });
}

/**
 * SNAPSHOT_PUT (§13.3): builds on the active snapshot (compare-and-swap on its rv) and covers every update the
 * relay holds: exactly for other authors, at least for the compacting device (which may fold in unpushed edits).
 */
export async function handleSnapshotPut(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'SNAPSHOT_PUT' }>,
): Promise<void> {
  const { vault, principal, self } = authenticated(ctx);
  await vault.lock.run(async () => {
    const header = readEnvelopeHeader(frame.snapshot);
    if (header?.type !== 'snapshot') refuse('bad_envelope', 'not a snapshot envelope');
    checkWriter(vault, principal, frame.recordId, header.author, header.epoch, header.mhead);
    const record = await ctx.hub.record(vault, frame.recordId);
    if (record.deleted) refuse('record_deleted', 'record was deleted');
    if (frame.baseRv !== record.snapshotRv)
      refuse('stale_base', 'snapshot does not build on the active one', { expected: record.snapshotRv });
    const authors = new Set([...record.hw.keys(), ...header.coverage.keys()]);
    for (const author of authors) {
      const held = record.hw.get(author) ?? 0;
      const covered = header.coverage.get(author) ?? 0;
      const ok = author === principal ? covered >= held : covered === held;
      if (!ok || (covered === 0 && header.coverage.has(author)))
        refuse('snapshot_not_covering', 'coverage differs from the updates held');
    }
    if (vault.usedBytes + frame.snapshot.length > ctx.limits.vaultQuotaBytes)
      refuse('quota_exceeded', 'vault quota reached');
    const rv = vault.rv + 1;
    await ctx.store.commitEnvelopes(
      vault.vaultId,
      rv,
      [
        {
          recordId: frame.recordId,
          kind: 'snapshot',
          author: principal,
          seq: 0,
          bytes: frame.snapshot,
          hash: hash(frame.snapshot),
          coverage: header.coverage,
        },
      ],
      frame.snapshot.length,
    );
    vault.rv = rv;
    vault.usedBytes += frame.snapshot.length;
    record.snapshotRv = rv;
    record.hw = new Map(
      authors.size === 0
        ? []
        : [...authors].map((a) => [a, Math.max(record.hw.get(a) ?? 0, header.coverage.get(a) ?? 0)]),
    );
    ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: rv }));
    fanOut(
      vault,
      self,
      frame.recordId,
      relayFrame(0, { type: 'RECORDS', rv, groups: [{ recordId: frame.recordId, envelopes: [frame.snapshot] }] }),
    );
  });
}

/** Packs rows (rv order) into RECORDS frames no larger than the frame limit, one group per run of one record. */
function pack(rows: EnvelopeRow[], limit: number, indexId: string): RecordGroup[][] {
  const byRecord = new Map<string, { recordId: Uint8Array; envelopes: Uint8Array[]; last: number }>();
  for (const row of rows) {
    const key = toHex(row.recordId);
    const group = byRecord.get(key) ?? { recordId: row.recordId, envelopes: [], last: 0 };
    group.envelopes.push(row.bytes);
    group.last = row.rv;
    byRecord.set(key, group);
  }
  // The index record first (it lists the others), then records by the rv of their latest change (§13.4).
  const groups = [...byRecord.entries()].sort(([a, x], [b, y]) =>
    a === indexId ? -1 : b === indexId ? 1 : x.last - y.last,
  );
  const frames: RecordGroup[][] = [];
  let current: RecordGroup[] = [];
  let size = 16;
  for (const [, group] of groups) {
    for (const envelope of group.envelopes) {
      const cost = envelope.length + 8;
      if (size + cost + 24 > limit && current.length > 0) {
        frames.push(current);
        current = [];
        size = 16;
      }
      const tail = current.at(-1);
      if (tail !== undefined && equal(tail.recordId, group.recordId)) tail.envelopes.push(envelope);
      else current.push({ recordId: group.recordId, envelopes: [envelope] });
      size += cost + 24;
    }
  }
  if (current.length > 0) frames.push(current);
  return frames;
}

export async function handleSync(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'SYNC' }>,
): Promise<void> {
  const { vault, principal, self } = authenticated(ctx);
  if (frame.scope.length > 10_000) refuse('too_many_subscriptions', 'subscription cap reached');
  for (const id of frame.scope)
    if (!mayRead(vault.membership, principal, id)) refuse('forbidden', 'no right to a record in scope');
  await vault.lock.run(async () => {
    const rows = await ctx.store.envelopesSince(
      vault.vaultId,
      frame.sinceRv,
      frame.scope.length > 0 ? frame.scope : undefined,
    );
    const readable = rows.filter((row) => mayRead(vault.membership, principal, row.recordId));
    for (const groups of pack(readable, ctx.limits.maxFrameBytes, vault.membership.indexId)) {
      ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: 0, groups }));
    }
    ctx.sendFrame(relayFrame(rid, { type: 'SYNC_DONE', rv: vault.rv }));
    // Live from here: the lock guarantees no commit fell between the read and the subscription.
    self.subscriptions = frame.scope.length > 0 ? new Set(frame.scope.map(toHex)) : undefined;
    self.live = frame.live;
  });
}

export async function handleFetch(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'FETCH' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  if (!mayRead(vault.membership, principal, frame.recordId)) refuse('forbidden', 'no right to this record');
  const rows = await ctx.store.updatesRange(vault.vaultId, frame.recordId, frame.author, frame.fromSeq, frame.toSeq);
  for (const groups of pack(rows, ctx.limits.maxFrameBytes, vault.membership.indexId)) {
    ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: 0, groups }));
  }
  if (rows.length === 0) ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: 0, groups: [] }));
}

/** Presence is forwarded with the sender's index to current readers and never stored (§13.6). */
export function handlePresence(ctx: SessionContext, frame: Extract<ClientFrame, { type: 'PRESENCE' }>): void {
  const { vault, principal, self } = authenticated(ctx);
  if (!mayRead(vault.membership, principal, frame.recordId)) refuse('forbidden', 'no right to this record');
  const forward = relayFrame(0, {
    type: 'PRESENCE_FWD',
    recordId: frame.recordId,
    sender: principal,
    epoch: frame.epoch,
    nonce: frame.nonce,
    ciphertext: frame.ciphertext,
  });
  fanOut(vault, self, frame.recordId, forward);
}

export function handleUnsubscribe(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'UNSUBSCRIBE' }>,
): void {
  const { self } = authenticated(ctx);
  if (frame.recordIds.length === 0) self.live = false;
  else if (self.subscriptions !== undefined) for (const id of frame.recordIds) self.subscriptions.delete(toHex(id));
  ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: 0 }));
}
