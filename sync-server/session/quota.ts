import type { VaultHandle } from '../hub/vault-hub.ts';
import type { SessionContext } from './session-context.ts';
import { refuse } from './wire-error.ts';

/**
 * The one quota rule (PROTOCOL.md §9, issue 12 item 3): every stored byte, plus what uploads in progress hold
 * reserved, stays within the vault's quota. Called under the vault lock before each write.
 */
export function requireRoom(ctx: Pick<SessionContext, 'limits'>, vault: VaultHandle, bytes: number): void {
  if (vault.usedBytes + vault.uploads.reserved + bytes > ctx.limits.vaultQuotaBytes)
    refuse('quota_exceeded', 'vault quota reached');
}
