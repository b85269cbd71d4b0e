/**
 * One writer per vault: every check-then-write on a vault runs inside `run`, so the relay's in-memory view
 * (rv, high-water marks, membership state) and the store cannot race between two sockets.
 */
export interface VaultLock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createVaultLock(): VaultLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run: <T>(task: () => Promise<T>): Promise<T> => {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
