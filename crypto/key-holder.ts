// PROTOCOL.md §18.5: on lock every tab zeroes every key buffer it holds. A KeyHolder is the one place keys
// live while unlocked, so "lock" is one call that cannot forget a buffer; JS cannot wipe copies the engine
// made, which is why lock also reloads the page (vault/).
import { CryptoError } from './crypto-error.ts';
import { sodium } from './sodium.ts';

export class KeyHolder {
  readonly #buffers = new Set<Uint8Array>();
  #locked = false;

  /** Take ownership of `key` (wiped on lock) and return it. Refused after lock (`wiped`). */
  hold<T extends Uint8Array>(key: T): T {
    if (this.#locked) throw new CryptoError('wiped', 'key holder is locked');
    this.#buffers.add(key);
    return key;
  }

  /** Hold every buffer of a list (a keyring). */
  holdAll<T extends Uint8Array>(keys: readonly T[]): readonly T[] {
    for (const k of keys) this.hold(k);
    return keys;
  }

  /** Wipe one key now and forget it (a superseded key). */
  release(key: Uint8Array): void {
    sodium().memzero(key);
    this.#buffers.delete(key);
  }

  get locked(): boolean {
    return this.#locked;
  }

  get size(): number {
    return this.#buffers.size;
  }

  /** Zero every held buffer (`sodium.memzero`) and refuse new ones. */
  lock(): void {
    for (const b of this.#buffers) sodium().memzero(b);
    this.#buffers.clear();
    this.#locked = true;
  }
}
