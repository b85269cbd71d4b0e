/**
 * One writer per vault: every check-then-write on a vault runs inside `run`, so the relay's in-memory view
 * (rv, high-water marks, membership state) and the store cannot race between two sockets.
 */
export interface VaultLock {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** True when no task runs or waits (the hub may then drop the vault from its cache). */
  idle(): boolean;
}

export function createVaultLock(): VaultLock {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  return {
    run: <T>(task: () => Promise<T>): Promise<T> => {
      pending += 1;
      const result = tail.then(task, task);
      tail = result.catch(() => undefined).finally(() => (pending -= 1));
      return result;
    },
    idle: () => pending === 0,
  };
}
