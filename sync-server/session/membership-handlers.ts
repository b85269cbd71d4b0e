import { yieldToLoop } from '../yield-to-loop.ts';
import {
  decodeEntry,
  isActive,
  keyringRecipients,
  principalAt,
  MembershipBatch,
  type ClientFrame,
  NOTICE,
} from '#protocol';
import { streamBudget } from '../limits/stream-budget.ts';
import { checkpointOf } from '../hub/membership-checkpoint.ts';
import { membershipBytes } from '../store/relay-store.ts';
import { encodeNotice, relayFrame } from './relay-frame.ts';
import { requireRoom } from './quota.ts';
import { refuse } from './wire-error.ts';
import { checkWraps } from './wrap-policy.ts';
import type { SessionContext } from './session-context.ts';

const PAGE = 500;
/** Entries validated between two yields to the event loop (about 10 ms of signature checks). */
const YIELD_EVERY = 64;

function authenticated(ctx: SessionContext): NonNullable<SessionContext['auth']> {
  if (ctx.auth === undefined) refuse('not_authenticated', 'authenticate first');
  return ctx.auth;
}

/** Members (devices and the recovery principal) read the log; professionals never do (§11.3). */
function requireMember(ctx: SessionContext): NonNullable<SessionContext['auth']> {
  const auth = authenticated(ctx);
  const role = principalAt(auth.vault.membership, auth.principal)?.role;
  if (role !== 'device' && role !== 'recovery') refuse('forbidden', 'members only');
  return auth;
}

export async function handleMemberGet(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'MEMBER_GET' }>,
): Promise<void> {
  const auth = requireMember(ctx);
  const { frameBytes } = streamBudget(ctx.limits);
  let since = frame.sinceSeq;
  for (;;) {
    // One page at a time, in frames of the stream budget, at the reader's pace (§13.4): a long log (or one of
    // large entries) never sits whole in the send queue.
    const entries = await ctx.store.membership(auth.vault.vaultId, since, PAGE + 1);
    const more = entries.length > PAGE;
    const page = more ? entries.slice(0, PAGE) : entries;
    const frames = splitBySize(page, frameBytes);
    for (const [i, part] of frames.entries()) {
      if (!(await ctx.drained())) return;
      const last = i === frames.length - 1;
      ctx.sendFrame(relayFrame(rid, { type: 'MEMBER_ENTRIES', more: more || !last, entries: part }));
    }
    if (!more) return;
    since += PAGE;
  }
}

/** Consecutive runs of items whose sizes add up to at most `limit` (one larger item alone); at least one run. */
function splitBySize(items: Uint8Array[], limit: number): Uint8Array[][] {
  const runs: Uint8Array[][] = [[]];
  let size = 0;
  for (const item of items) {
    const run = runs.at(-1) ?? [];
    if (run.length > 0 && size + item.length > limit) {
      runs.push([item]);
      size = item.length;
    } else {
      run.push(item);
      size += item.length;
    }
  }
  return runs;
}

export async function handleWrapGet(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'WRAP_GET' }>,
): Promise<void> {
  const auth = requireMember(ctx);
  const wraps = await ctx.store.wraps(auth.vault.vaultId, auth.principal, frame.fromEpoch);
  ctx.sendFrame(relayFrame(rid, { type: 'WRAPS', wraps }));
}

/**
 * MEMBER_APPEND (§10.6, §12.2): every entry through the one validator, in order, from the vault's current
 * state; a rotation must come with a keyring wrap for every member of the new epoch; then one transaction;
 * then the new state is live, removed principals' sockets close at once, and members hear the new head.
 */
export async function handleMemberAppend(
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: 'MEMBER_APPEND' }>,
): Promise<void> {
  const auth = requireMember(ctx);
  const { vault } = auth;
  if (frame.entries.length > ctx.limits.maxMemberEntries) {
    refuse('too_many_entries', `at most ${ctx.limits.maxMemberEntries} entries per append`);
  }
  // The relay stores no keybox until it serves professionals (sharing issue): acknowledging one it drops would
  // tell the writer a keybox is on file that nobody can fetch (PROTOCOL.md §12.2).
  if (frame.keyboxes.length > 0) refuse('forbidden', 'this relay stores no keyboxes yet');
  await vault.lock.run(async () => {
    if (!isActive(vault.membership, auth.principal)) refuse('revoked', 'this key was removed from the vault');
    const before = vault.membership;
    const firstSeq = (before.head?.seq ?? -1) + 1;
    // One batch for the whole frame: linear in the state plus the entries (issue 12), with a yield to the
    // event loop every few dozen signatures so one client's append never holds up every other socket.
    const batch = new MembershipBatch(before);
    for (const [i, bytes] of frame.entries.entries()) {
      const result = batch.add(bytes);
      if (!result.ok) refuse(result.code, 'membership entry refused');
      if (principalAt(before, auth.principal)?.role === 'recovery' && result.entry.signer !== auth.principal) {
        refuse('forbidden', 'the recovery session may only append its own device-add');
      }
      if (result.entry.signer !== auth.principal && result.entry.body.kind !== 'link-claim') {
        refuse('forbidden', 'entries must be signed by the session principal');
      }
      if (batch.current.principals.length > ctx.limits.maxPrincipals) {
        refuse('too_many_principals', `at most ${ctx.limits.maxPrincipals} principals per vault`);
      }
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
    }
    const state = batch.finish();
    const recovery = principalAt(before, auth.principal)?.role === 'recovery';
    const admitted = new Set(state.principals.slice(before.principals.length).map((p) => p.index));
    const wraps = await checkWraps(
      {
        store: ctx.store,
        vaultId: vault.vaultId,
        author: auth.principal,
        state,
        onlyFor: recovery ? admitted : undefined,
        before,
        adderOf: async (addedSeq) => {
          const [entry] = await ctx.store.membership(vault.vaultId, addedSeq, 1);
          return entry === undefined ? undefined : decodeEntry(entry).signer;
        },
      },
      frame.wraps,
    );
    if (state.epoch > before.epoch) {
      const wrapped = new Set(wraps.filter((w) => w.epoch === state.epoch).map((w) => w.recipient));
      const missing = keyringRecipients(state).filter((index) => !wrapped.has(index));
      if (missing.length > 0) refuse('missing_wraps', `no keyring wrap for ${missing.length} member(s)`);
    }
    // Entries and wraps are stored bytes like any other: they count against the quota (issue 12 item 3). A
    // stored wrap is never replaced (wrap_exists above), so each wrap's bytes are counted exactly once.
    const bytes = membershipBytes(frame.entries, wraps);
    requireRoom(ctx, vault, bytes);
    await ctx.disk.check();
    const checkpoint = frame.entries.length > 0 ? checkpointOf(state, before) : undefined;
    if (!(await ctx.store.appendMembership(vault.vaultId, firstSeq, frame.entries, wraps, checkpoint))) {
      refuse('member_broken_chain', 'the log moved on meanwhile');
    }
    vault.usedBytes += bytes;
    vault.membership = state;
    const headSeq = state.head?.seq ?? 0;
    ctx.sendFrame(relayFrame(rid, { type: 'ACK', value: headSeq }));
    for (const session of vault.sessions) {
      // The injected fault skipBroadcastCheck also leaves removed sessions open here: otherwise the removal
      // would end them before any broadcast and the skipped re-check in fanOut could never be observed.
      if (!isActive(state, session.principal)) {
        if (ctx.faults.skipBroadcastCheck !== true) session.end('revoked');
      } else if (session !== auth.self) session.send(encodeNotice(NOTICE.HEAD_ADVANCED, headSeq));
    }
  });
}
