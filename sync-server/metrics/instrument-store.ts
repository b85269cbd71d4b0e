import type { RelayStore } from '../store/relay-store.ts';
import type { RelayMetrics } from './relay-metrics.ts';

/**
 * The store with every asynchronous call timed under its method's name (`carnet_relay_store_seconds`). A proxy,
 * not a hand-written wrapper, so a method added to RelayStore is timed without anyone remembering to.
 */
export function instrumentStore(store: RelayStore, metrics: Pick<RelayMetrics, 'timeStore'>): RelayStore {
  const wrapped = new Map<string, unknown>();
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      const known = wrapped.get(name);
      if (known !== undefined) return known;
      const method = value as (...args: unknown[]) => unknown;
      const timed = (...args: unknown[]): unknown => {
        const result = method.apply(target, args);
        return result instanceof Promise ? metrics.timeStore(name, () => result) : result;
      };
      wrapped.set(name, timed);
      return timed;
    },
  });
}
