import type { RelayDescriptor } from '#vault';
import { readRelayDescriptor, RELAY_WELL_KNOWN_PATH } from '#vault/light';

/** Where the last descriptor fetched is kept, so a vault can be created offline after the first visit. */
export const RELAY_STORAGE_KEY = 'carnet-relay';

/** Raised when the relay's descriptor cannot be fetched and none was kept from an earlier visit. */
export class RelayUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the relay descriptor is unavailable', options);
    this.name = 'RelayUnavailableError';
  }
}

function readKept(storage: Storage | undefined): RelayDescriptor | undefined {
  try {
    const text = storage?.getItem(RELAY_STORAGE_KEY);
    return text === null || text === undefined ? undefined : readRelayDescriptor(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function keep(storage: Storage | undefined, descriptor: RelayDescriptor): void {
  try {
    storage?.setItem(RELAY_STORAGE_KEY, JSON.stringify(descriptor));
  } catch {
    // Not kept: the next creation offline will ask for a network once more.
  }
}

/**
 * The relay a new vault pins: fetched from the relay that serves the app, kept on this device, and read back
 * from there when the network is down. Throws RelayUnavailableError when neither works.
 *
 * @example
 * const relay = await loadRelayDescriptor(); // { origin: 'https://carnet.example', publicKeyHex: '3f…' }
 */
export async function loadRelayDescriptor(
  fetcher: typeof fetch = fetch,
  storage: Storage | undefined = globalThis.localStorage,
): Promise<RelayDescriptor> {
  let cause: unknown;
  try {
    const response = await fetcher(RELAY_WELL_KNOWN_PATH, { headers: { Accept: 'application/json' } });
    if (response.ok) {
      const descriptor = readRelayDescriptor(await response.json());
      if (descriptor !== undefined) {
        keep(storage, descriptor);
        return descriptor;
      }
      cause = new Error('the relay descriptor is malformed');
    } else {
      cause = new Error(`the relay answered ${response.status}`);
    }
  } catch (error) {
    cause = error;
  }
  const kept = readKept(storage);
  if (kept !== undefined) return kept;
  throw new RelayUnavailableError({ cause });
}
