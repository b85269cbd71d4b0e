import { toHex } from '#crypto';
import { isActive, isIndexFamily, principalAt, type MembershipState } from '#protocol';
import type { HubSession, VaultHandle } from '../hub/vault-hub.ts';

/** May `principal` write records? Patient and assistant devices only (§13.2); never links or the recovery key. */
export function mayWrite(state: MembershipState, principal: number): boolean {
  return isActive(state, principal) && principalAt(state, principal)?.role === 'device';
}

/**
 * May `principal` read records at all? Devices; never the recovery principal, whose session only admits a device
 * (§11.3). Professionals will read their share's scope (sharing issue; their sessions are refused until then).
 */
export function readsRecords(state: MembershipState, principal: number): boolean {
  return isActive(state, principal) && principalAt(state, principal)?.role === 'device';
}

/**
 * May `principal` read `recordId` now? Members' devices read everything not deleted; professional scopes come
 * with the sharing issue (their sessions are refused at AUTH until then).
 */
export function mayRead(state: MembershipState, principal: number, recordId: Uint8Array): boolean {
  return readsRecords(state, principal) && !state.deletedRecords.has(toHex(recordId));
}

/**
 * Does a session subscribed to `subscriptions` (hex ids; undefined = everything) follow record `key` live? The
 * index id stands for the whole index family (§12.2 SYNC), so its subscriber follows every shard as well.
 */
export function follows(state: MembershipState, subscriptions: ReadonlySet<string> | undefined, key: string): boolean {
  if (subscriptions === undefined || subscriptions.has(key)) return true;
  return subscriptions.has(state.indexId) && isIndexFamily(state, key);
}

/**
 * Sends `frame` about `recordId` to every other live session of the vault that may read it, re-checking the
 * right before each send (§13.4): a session that lost it is ended instead.
 */
export function fanOut(
  vault: VaultHandle,
  except: HubSession,
  recordId: Uint8Array,
  frame: Uint8Array,
  options: { skipCheck?: boolean } = {},
): void {
  const key = toHex(recordId);
  for (const session of vault.sessions) {
    if (session === except || !session.live) continue;
    if (!follows(vault.membership, session.subscriptions, key)) continue;
    if (options.skipCheck !== true && !mayRead(vault.membership, session.principal, recordId)) {
      if (!isActive(vault.membership, session.principal)) session.end('revoked');
      continue;
    }
    session.send(frame);
  }
}
