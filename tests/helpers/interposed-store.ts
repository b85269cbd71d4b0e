// A real store with the test's hand in front of every call: to hold a transaction open at a chosen point (a
// gate) or to delay calls by seeded amounts, so that frames of two sockets interleave differently per seed.
import type { RelayStore } from '#sync-server/store/relay-store';

/** Methods that return a promise (`blobChunks` is an async iterable and `kind` a field: both pass through). */
export type StoreMethod = Exclude<keyof RelayStore, 'kind' | 'blobChunks'>;

/** `store` with `before(method)` awaited ahead of every call of a method that returns a promise. */
export function interposeStore(
  store: RelayStore,
  before: (method: StoreMethod) => Promise<void> | undefined,
): RelayStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || name === 'blobChunks' || typeof name !== 'string') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]): Promise<unknown> => {
        await before(name as StoreMethod);
        return method.apply(target, args);
      };
    },
  });
}
