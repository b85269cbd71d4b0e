// PROTOCOL.md §8.2, "Who may file which wrap on the relay": the relay cannot open a keyring wrap, so it holds
// every wrap's header to the session and to the membership state the frame produces. Without this a member
// could file garbage under another principal's (recipient, epoch) and break recovery or lock a device out.
import { equal } from '#crypto';
import { keyringRecipients, principalAt, readWrapHeader, type MembershipState } from '#protocol';
import type { RelayStore, StoredWrap } from '../store/relay-store.ts';
import { refuse } from './wire-error.ts';

export interface WrapFiling {
  readonly store: RelayStore;
  readonly vaultId: Uint8Array;
  /** The session's principal: every wrap's author. */
  readonly author: number;
  /** The state after the frame's entries (for VAULT_CREATE, the genesis state). */
  readonly state: MembershipState;
  /** Recipients the recovery session may wrap for (the devices its entries admit); undefined = any. */
  readonly onlyFor: ReadonlySet<number> | undefined;
  /** VAULT_CREATE: nothing can be stored yet (an existing vault id is refused later as `vault_exists`). */
  readonly newVault?: boolean;
  /**
   * MEMBER_APPEND: the state before the frame, and who signed the entry that added a principal. A wrap at an
   * epoch the frame did not start, for a recipient added before the frame, may come only from that adder.
   */
  readonly before?: MembershipState;
  readonly adderOf?: (addedSeq: number) => Promise<number | undefined>;
}

/**
 * The wraps to store, checked against every rule (the whole frame is refused on the first break, before
 * anything is written). A byte-identical resend of a stored wrap is dropped from the list, not refused.
 */
export async function checkWraps(filing: WrapFiling, frameWraps: readonly Uint8Array[]): Promise<StoredWrap[]> {
  const { state } = filing;
  const head = state.head;
  if (head === null) refuse('internal', 'no membership head');
  const entitled = new Set(keyringRecipients(state));
  const seen = new Set<number>();
  const out: StoredWrap[] = [];
  for (const bytes of frameWraps) {
    const header = readWrapHeader(bytes);
    if (header === undefined) refuse('bad_frame', 'wrap header does not parse');
    if (seen.has(header.recipient)) refuse('bad_frame', 'two wraps for one recipient');
    seen.add(header.recipient);
    if (header.author !== filing.author) refuse('forbidden', 'a wrap must be authored by the session principal');
    if (header.epoch !== state.epoch) refuse('forbidden', 'a wrap is filed at the current epoch only');
    if (!entitled.has(header.recipient)) refuse('forbidden', 'the recipient holds no keyring');
    if (filing.onlyFor !== undefined && !filing.onlyFor.has(header.recipient)) {
      refuse('forbidden', 'the recovery session wraps only for the devices it admits');
    }
    if (header.mhead < state.epochStartSeq || header.mhead > head.seq) refuse('stale_head', 'wrap cites another head');
    // At the current epoch no later wrap can exist, so this answers the one stored for (recipient, epoch).
    if (filing.newVault === true) {
      out.push({ recipient: header.recipient, epoch: header.epoch, bytes });
      continue;
    }
    const [stored] = await filing.store.wraps(filing.vaultId, header.recipient, state.epoch);
    if (stored !== undefined) {
      if (equal(stored, bytes)) continue;
      refuse('wrap_exists', 'a wrap is already stored for this recipient and epoch');
    }
    await requireAdder(filing, header.recipient);
    out.push({ recipient: header.recipient, epoch: header.epoch, bytes });
  }
  return out;
}

/**
 * A wrap filed after the frame that added its recipient (and not by a rotation, which wraps for everyone) makes
 * up for an adder who forgot it, so only that adder may file it: otherwise another member could file garbage
 * first, and the honest wrap would get `wrap_exists` until the next rotation (PROTOCOL.md §8.2).
 */
async function requireAdder(filing: WrapFiling, recipient: number): Promise<void> {
  const { before, adderOf, state } = filing;
  if (before === undefined || adderOf === undefined || state.epoch !== before.epoch) return;
  const earlier = principalAt(before, recipient);
  if (earlier === undefined) return; // added by this frame's own entries, signed by the session's principal
  if ((await adderOf(earlier.addedSeq)) !== filing.author)
    refuse('forbidden', 'only the member who added the recipient may file its wrap later');
}
