import { yieldToLoop } from '../yield-to-loop.ts';
import { toHex } from '#crypto';
import type { Logger } from '../logger.ts';
import type { RelayStore } from '../store/relay-store.ts';
import type { VaultHub } from './vault-hub.ts';

const PAGE = 100;

/**
 * Loads, once, every vault stored before the relay kept membership states (schema 2): the hub replays its log
 * in pages, yielding, and writes the state and the principals' key rows. Run in the background from the relay's
 * start, so the replay is the operator's one-time cost, not something a client's AUTH triggers: after it, AUTH
 * finds a key row for every vault (issue 12 item 2, security.md case 21). Resolves with the number of vaults
 * done; a vault whose stored log no longer validates is logged and left unserved, as the hub leaves it.
 */
export async function backfillMembershipStates(deps: {
  store: RelayStore;
  hub: VaultHub;
  logger: Logger;
  stopped: () => boolean;
}): Promise<number> {
  let after: Uint8Array = new Uint8Array(0);
  let done = 0;
  for (;;) {
    const page = await deps.store.vaultsWithoutState(after, PAGE);
    for (const vaultId of page) {
      if (deps.stopped()) return done;
      try {
        await deps.hub.open(vaultId);
        done++;
      } catch (error) {
        deps.logger.error('vault not loaded at start', { vault: toHex(vaultId), error: error as Error });
      }
      await yieldToLoop();
    }
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) break;
    after = last;
  }
  if (done > 0) deps.logger.info('membership states written for vaults stored before them', { vaults: done });
  return done;
}
