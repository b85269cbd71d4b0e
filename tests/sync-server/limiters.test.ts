import { describe, expect, it } from 'vitest';
import { createAddressLimiter } from '#sync-server/limits/address-limiter';
import { createTokenBucket } from '#sync-server/limits/token-bucket';

function manualClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('token bucket', () => {
  it('allows a burst, refuses beyond it, and refills with time', () => {
    const clock = manualClock();
    const sut = createTokenBucket({ perSecond: 10, burst: 5, clock });
    expect(Array.from({ length: 6 }, () => sut.take())).toEqual([true, true, true, true, true, false]);
    clock.advance(100); // one token back
    expect(sut.take()).toBe(true);
    expect(sut.take()).toBe(false);
    clock.advance(10_000); // never more than the burst
    expect(Array.from({ length: 6 }, () => sut.take()).filter(Boolean)).toHaveLength(5);
  });
});

describe('address limiter', () => {
  it('admits N connections per address per minute, then refuses until the next minute', () => {
    const clock = manualClock(60_000);
    const sut = createAddressLimiter({ perMinute: 3, clock });
    expect([1, 2, 3, 4].map(() => sut.admit('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(sut.admit('10.0.0.2')).toBe(true);
    clock.advance(60_000);
    expect(sut.admit('10.0.0.1')).toBe(true);
  });

  it('keeps its table bounded under a flood of distinct addresses', () => {
    const clock = manualClock();
    const sut = createAddressLimiter({ perMinute: 2, clock, maxTracked: 100 });
    let admitted = 0;
    for (let i = 0; i < 10_000; i++) if (sut.admit(`10.1.${i >> 8}.${i & 255}`)) admitted++;
    expect(sut.size()).toBeLessThanOrEqual(101);
    expect(admitted).toBeLessThanOrEqual(100 + 2);
  });
});
