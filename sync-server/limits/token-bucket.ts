import type { Clock } from '../clock.ts';

export interface TokenBucket {
  /** Takes `cost` tokens when available; false (and nothing taken) when the bucket is short. */
  take(cost?: number): boolean;
}

/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. Time comes from the injected clock,
 * so limits are tested without sleeping.
 */
export function createTokenBucket(options: { perSecond: number; burst: number; clock: Clock }): TokenBucket {
  let tokens = options.burst;
  let last = options.clock.now();
  return {
    take: (cost = 1) => {
      const now = options.clock.now();
      tokens = Math.min(options.burst, tokens + ((now - last) / 1000) * options.perSecond);
      last = now;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}
