// Storage faults on demand for vault tests on fake-indexeddb: requests on one object store throw what a browser
// throws (a DOMException: quota, an aborted transaction, a broken backend) or a TypeError standing for a bug.
// Requests on other stores, and on this store once the returned function has run, go through untouched.
import { IDBIndex, IDBObjectStore } from 'fake-indexeddb';
import { vi } from 'vitest';

type Fault = () => unknown;
type Request = (this: IDBObjectStore | IDBIndex, ...args: unknown[]) => IDBRequest;

/** The real method, read off the prototype before it is replaced (called with the request's own `this`). */
const realMethod = (proto: object, method: string): Request => Reflect.get(proto, method) as Request;

/** Requests that write: `add` and `put` on `store` (or any of several) of values for which `when` holds (every
 * value by default). One call per test for a method: a second spy on it would call the first. */
export function failWrites(
  store: string | readonly string[],
  fault: Fault,
  when: (value: unknown) => boolean = () => true,
): () => void {
  const stores = typeof store === 'string' ? [store] : store;
  const spies = (['add', 'put'] as const).map((method) => {
    const original = realMethod(IDBObjectStore.prototype, method);
    return vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (
      this: IDBObjectStore,
      ...args: unknown[]
    ) {
      if (stores.includes(this.name) && when(args[0])) throw fault();
      return original.apply(this, args);
    } as never);
  });
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

/** Requests that delete (`delete`, `clear`) on `store`. */
export function failDeletes(store: string, fault: Fault): () => void {
  const spies = (['delete', 'clear'] as const).map((method) => {
    const original = realMethod(IDBObjectStore.prototype, method);
    return vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (
      this: IDBObjectStore,
      ...args: unknown[]
    ) {
      if (this.name === store) throw fault();
      return original.apply(this, args);
    } as never);
  });
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

/** Requests that read, on the store and on its indexes: `get`, `getAll`, `openCursor`. */
export function failReads(store: string, fault: Fault): () => void {
  const spies = (['get', 'getAll', 'openCursor'] as const).flatMap((method) => {
    const onStore = realMethod(IDBObjectStore.prototype, method);
    const onIndex = realMethod(IDBIndex.prototype, method);
    return [
      vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (
        this: IDBObjectStore,
        ...args: unknown[]
      ) {
        if (this.name === store) throw fault();
        return onStore.apply(this, args);
      } as never),
      vi.spyOn(IDBIndex.prototype, method).mockImplementation(function (this: IDBIndex, ...args: unknown[]) {
        if (this.objectStore.name === store) throw fault();
        return onIndex.apply(this, args);
      } as never),
    ];
  });
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

export const quotaExceeded = (): DOMException => new DOMException('the quota was exceeded', 'QuotaExceededError');
export const transactionAborted = (): DOMException => new DOMException('the transaction was aborted', 'AbortError');
export const backendBroken = (): DOMException => new DOMException('an internal error occurred', 'UnknownError');
export const bug = (): TypeError => new TypeError("Cannot read properties of undefined (reading 'x')");
