import type { Clock } from '../clock.ts';

export interface TokenBucket {
  /** Takes `cost` tokens when available; false (and nothing taken) when the bucket is short. */
  take(cost?: number): boolean;
}

/** A class, not a closure: every connection holds two, and methods on the prototype cost nothing per bucket. */
class RefillingBucket implements TokenBucket {
  #tokens: number;
  #last: number;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.#tokens = burst;
    this.#last = clock.now();
  }

  take(cost = 1): boolean {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. Time comes from the injected clock,
 * so limits are tested without sleeping.
 */
export function createTokenBucket(options: { perSecond: number; burst: number; clock: Clock }): TokenBucket {
  return new RefillingBucket(options.perSecond, options.burst, options.clock);
}
