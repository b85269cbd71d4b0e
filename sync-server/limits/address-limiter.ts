import type { Clock } from '../clock.ts';

export interface AddressLimiter {
  /** Counts one connection attempt from `address`; false when it is over the limit for the current window. */
  admit(address: string): boolean;
  /** Addresses currently tracked (bounded), for tests. */
  size(): number;
}

/**
 * Connections per address per minute, in fixed one-minute windows. The table is cleared at each new window
 * and capped, so a flood of spoofed-looking addresses cannot grow memory without bound.
 */
export function createAddressLimiter(options: {
  perMinute: number;
  clock: Clock;
  maxTracked?: number;
}): AddressLimiter {
  const maxTracked = options.maxTracked ?? 100_000;
  let window = Math.floor(options.clock.now() / 60_000);
  let counts = new Map<string, number>();
  return {
    admit: (address) => {
      const current = Math.floor(options.clock.now() / 60_000);
      if (current !== window) {
        window = current;
        counts = new Map();
      }
      const seen = counts.get(address) ?? 0;
      if (seen >= options.perMinute) return false;
      // When the table is full, unknown addresses share one overflow slot rather than being tracked apart.
      const key = counts.size >= maxTracked && !counts.has(address) ? '*overflow*' : address;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return key === address || (counts.get(key) ?? 0) <= options.perMinute;
    },
    size: () => counts.size,
  };
}
