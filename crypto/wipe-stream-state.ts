// libsodium.js keeps secretstream state on its own heap; both streams (attachments §9, backups §18.6) wipe it.
import type { StateAddress } from 'libsodium-wrappers-sumo';
import type { Sodium } from './sodium.ts';

/**
 * libsodium.js allocates the 52-byte secretstream state (which holds the chunk key derived from A_f) on its
 * heap and never frees it. Zero and free it ourselves so a finished stream leaves no key behind.
 */
export function wipeState(s: Sodium, state: StateAddress): void {
  // Typed as an object, but libsodium.js 0.8 hands out the plain heap address.
  const address: unknown = state;
  const raw = (s as unknown as { libsodium?: { HEAPU8?: Uint8Array; _free?: (p: number) => void } }).libsodium;
  if (typeof address !== 'number' || raw?.HEAPU8 === undefined || raw._free === undefined) return;
  raw.HEAPU8.fill(0, address, address + 52);
  raw._free(address);
}
