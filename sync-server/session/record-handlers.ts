import { equal, fromHex, hash, toHex } from '#crypto';
import { readEnvelopeHeader, type ClientFrame, type RecordGroup } from '#protocol';
import type { EnvelopeRow, NewEnvelope } from '../store/relay-store.ts';
import type { VaultHandle } from '../hub/vault-hub.ts';
import { streamBudget } from '../limits/stream-budget.ts';
import { requireRoom } from './quota.ts';
import { fanOut, mayRead, mayWrite, readsRecords } from './record-access.ts';
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
    requireRoom(ctx, vault, bytes);
    if (fresh.length > 0) await ctx.disk.check();
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
    requireRoom(ctx, vault, frame.snapshot.length);
    await ctx.disk.check();
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

/** One read of a streamed answer (§13.4): small enough to hold, large enough to keep a fast reader busy. */
const PAGE = { rows: 256, bytes: 1024 * 1024 };

/**
 * Packs rows, in the order given, into RECORDS frames no larger than the frame limit; consecutive envelopes of
 * one record share a group. Each frame carries the rv of its last row (the catch-up cursor, §13.4).
 */
function pack(rows: EnvelopeRow[], limit: number): { rv: number; groups: RecordGroup[] }[] {
  const frames: { rv: number; groups: RecordGroup[] }[] = [];
  let current: RecordGroup[] = [];
  let rv = 0;
  let size = 16;
  for (const row of rows) {
    const cost = row.bytes.length + 8;
    if (size + cost + 24 > limit && current.length > 0) {
      frames.push({ rv, groups: current });
      current = [];
      size = 16;
    }
    const tail = current.at(-1);
    if (tail !== undefined && equal(tail.recordId, row.recordId)) tail.envelopes.push(row.bytes);
    else current.push({ recordId: row.recordId, envelopes: [row.bytes] });
    rv = row.rv;
    size += cost + 24;
  }
  if (current.length > 0) frames.push({ rv, groups: current });
  return frames;
}

/** True when a page came back short of both limits: the selection ended there. */
const lastPage = (rows: EnvelopeRow[]): boolean =>
  rows.length < PAGE.rows && rows.reduce((n, r) => n + r.bytes.length, 0) < PAGE.bytes;

/**
 * SYNC (§13.4): the selection in ascending rv, read page by page and sent at the reader's pace with the cursor
 * in every frame. The vault lock is taken only for the page that ends the selection, SYNC_DONE and the switch to
 * live, so a slow reader never stalls the vault's writers and no commit falls between catch-up and live.
 */
export async function handleSync(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'SYNC' }>,
): Promise<void> {
  const { vault, principal, self } = authenticated(ctx);
  // Not an empty catch-up: its SYNC_DONE would still tell the vault's rv to a principal that reads nothing.
  if (!readsRecords(vault.membership, principal)) refuse('forbidden', 'this principal reads no records');
  if (frame.scope.length > 10_000) refuse('too_many_subscriptions', 'subscription cap reached');
  for (const id of frame.scope)
    if (!mayRead(vault.membership, principal, id)) refuse('forbidden', 'no right to a record in scope');
  const scope = frame.scope.length > 0 ? frame.scope : undefined;
  // `index_id` in a scope stands for the index family: the root and every shard the relay holds (§12.2), read
  // in the same ascending-rv selection, so the cursor rules are unchanged.
  const state = vault.membership;
  const family = scope?.some((id) => toHex(id) === state.indexId) === true ? fromHex(state.shardPrefix) : undefined;
  const framesOf = (rows: EnvelopeRow[]): { rv: number; groups: RecordGroup[] }[] =>
    pack(
      rows.filter((row) => mayRead(vault.membership, principal, row.recordId)),
      streamBudget(ctx.limits).frameBytes,
    );
  let cursor = frame.sinceRv;
  for (let finished = false; !finished;) {
    for (;;) {
      const rows = await ctx.store.envelopesSince(vault.vaultId, cursor, scope, PAGE, family);
      if (lastPage(rows)) break;
      for (const out of framesOf(rows)) {
        if (!(await ctx.drained())) return;
        ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: out.rv, groups: out.groups }));
      }
      cursor = rows.at(-1)?.rv ?? cursor;
    }
    if (!(await ctx.drained())) return;
    // The tail is read again under the lock, so what committed since the unlocked read is in it.
    finished = await vault.lock.run(async () => {
      const rows = await ctx.store.envelopesSince(vault.vaultId, cursor, scope, PAGE, family);
      if (!lastPage(rows)) return false; // writers outran this reader: back to the unlocked pages
      for (const out of framesOf(rows))
        ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: out.rv, groups: out.groups }));
      ctx.sendFrame(relayFrame(rid, { type: 'SYNC_DONE', rv: vault.rv }));
      self.subscriptions = scope === undefined ? undefined : new Set(scope.map(toHex));
      self.live = frame.live;
      return true;
    });
  }
}

/** FETCH: one author's updates by sequence, page by page at the reader's pace; frames carry rv 0 (§13.4). */
export async function handleFetch(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'FETCH' }>,
): Promise<void> {
  const { vault, principal } = authenticated(ctx);
  if (!mayRead(vault.membership, principal, frame.recordId)) refuse('forbidden', 'no right to this record');
  let from = frame.fromSeq;
  let sent = false;
  while (from <= frame.toSeq) {
    const rows = await ctx.store.updatesRange(vault.vaultId, frame.recordId, frame.author, from, frame.toSeq, PAGE);
    if (rows.length === 0) break;
    for (const out of pack(rows, streamBudget(ctx.limits).frameBytes)) {
      if (!(await ctx.drained())) return;
      ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: 0, groups: out.groups }));
      sent = true;
    }
    from = (rows.at(-1)?.seq ?? frame.toSeq) + 1;
  }
  if (!sent) ctx.sendFrame(relayFrame(rid, { type: 'RECORDS', rv: 0, groups: [] }));
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
