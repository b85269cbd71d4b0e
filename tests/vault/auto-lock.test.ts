import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ready } from '#crypto';
import { createIdleTimer } from '#vault/tabs/idle-timer';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs a promise to completion while fake timers are installed (IndexedDB work needs timers to advance). */
async function settle<T>(promise: Promise<T>): Promise<T> {
  const state = { done: false };
  const out = promise.finally(() => {
    state.done = true;
  });
  const isDone = (): boolean => state.done;
  while (!isDone()) await vi.advanceTimersByTimeAsync(1);
  return out;
}

describe('auto-lock', () => {
  it('the idle timer fires after the chosen minutes, and activity postpones it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fired: number[] = [];
    const timer = createIdleTimer(5, () => fired.push(Date.now()));
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    timer.reset();
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000 + 1);
    expect(fired.length).toBe(1);
    timer.setMinutes(1);
    await vi.advanceTimersByTimeAsync(60_001);
    expect(fired.length).toBe(2);
    timer.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(fired.length).toBe(2);
  });

  it('locks the vault after the idle time the patient set (default 5 minutes), dropping its data', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { access } = testAccess(undefined, { compaction: { idleMs: 3_600_000 } });
    const { vault } = await settle(access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY }));
    const reasons: string[] = [];
    vault.onLocked((reason) => reasons.push(reason));
    vault.records.create({ category: 'other', title: 'x', date: '2025-01-01' });
    await settle(vault.flush());
    await settle(vault.fullyLoaded);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    vault.activity();
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(reasons).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_001);
    expect(reasons).toEqual(['idle']);
    expect(() => vault.records.list()).toThrow(/model_destroyed/);
  });

  it('uses the stored setting', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { access } = testAccess(undefined, { compaction: { idleMs: 3_600_000 } });
    const { vault } = await settle(access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY }));
    await settle(vault.updateSettings({ autoLockMinutes: 1 }));
    await settle(vault.fullyLoaded);
    const reasons: string[] = [];
    vault.onLocked((reason) => reasons.push(reason));
    await vi.advanceTimersByTimeAsync(60_001);
    expect(reasons).toEqual(['idle']);
  });
});
