import { tokenMatcher } from '../token-matcher.ts';
import type { Clock } from '../clock.ts';
import type { WireErrorCode } from '#protocol';

/** Who may create vaults (README, "Configuration"): anyone within caps, holders of the invitation, or nobody. */
export type VaultCreationMode = 'open' | 'invite' | 'closed';

export interface VaultCreationPolicy {
  mode: VaultCreationMode;
  /** The invitation token clients send in `hello.invite` when the mode is `invite`. */
  inviteToken: string | undefined;
}

export interface AdmissionRefusal {
  code: WireErrorCode;
  message: string;
  retryAfterMs?: number;
}

export interface VaultAdmission {
  /** Counts one creation by `address` (with the invite its hello carried), or says why not. */
  admit(address: string, invite: string | undefined): AdmissionRefusal | undefined;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Vault creation needs no account, so it is where one client could fill the disk (issue 12 item 3). Creations
 * are counted per address and relay-wide in fixed one-day windows; in `invite` mode the caps apply too.
 */
export function createVaultAdmission(options: {
  policy: VaultCreationPolicy;
  perAddressPerDay: number;
  perDay: number;
  clock: Clock;
}): VaultAdmission {
  let window = Math.floor(options.clock.now() / DAY);
  let byAddress = new Map<string, number>();
  let total = 0;
  const inviteOk = tokenMatcher(options.policy.inviteToken);
  return {
    admit: (address, invite) => {
      const { mode } = options.policy;
      if (mode === 'closed') return { code: 'vault_creation_refused', message: 'this relay creates no new vaults' };
      if (mode === 'invite' && !inviteOk(invite))
        return { code: 'vault_creation_refused', message: 'this relay creates vaults by invitation only' };
      const now = options.clock.now();
      if (Math.floor(now / DAY) !== window) {
        window = Math.floor(now / DAY);
        byAddress = new Map();
        total = 0;
      }
      const retryAfterMs = (window + 1) * DAY - now;
      const mine = byAddress.get(address) ?? 0;
      if (mine >= options.perAddressPerDay)
        return { code: 'rate_limited', message: 'too many vaults created from this address today', retryAfterMs };
      if (total >= options.perDay)
        return { code: 'rate_limited', message: 'too many vaults created on this relay today', retryAfterMs };
      // The table only holds addresses that created today, at most perDay of them.
      byAddress.set(address, mine + 1);
      total += 1;
      return undefined;
    },
  };
}
