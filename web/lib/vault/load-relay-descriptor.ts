import type { RelayDescriptor } from '#vault';

/** Where the last descriptor fetched is kept, so a vault can be created offline after the first visit. */
export const RELAY_STORAGE_KEY = 'carnet-relay';
export const RELAY_DESCRIPTOR_PATH = '/.well-known/carnet-relay.json';

/** Raised when the relay's descriptor cannot be fetched and none was kept from an earlier visit. */
export class RelayUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the relay descriptor is unavailable', options);
    this.name = 'RelayUnavailableError';
  }
}

function hexOfBase64Url(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Array.from(
    Uint8Array.from(binary, (char) => char.charCodeAt(0)),
    (byte) => byte.toString(16).padStart(2, '0'),
  ).join('');
}

/**
 * Reads the relay's answer (sync-server/create-relay.ts: `{ v: 1, origin, signingKey: base64url, … }`) or a
 * descriptor kept earlier (`{ origin, publicKeyHex }`); anything else is undefined.
 */
export function parseRelayDescriptor(value: unknown): RelayDescriptor | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { origin, signingKey, publicKeyHex } = value as Record<string, unknown>;
  if (typeof origin !== 'string' || !/^https?:\/\/[^/]+$/.test(origin)) return undefined;
  const hex =
    typeof publicKeyHex === 'string'
      ? publicKeyHex
      : typeof signingKey === 'string'
        ? hexOfBase64Url(signingKey)
        : undefined;
  if (hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) return undefined;
  return { origin, publicKeyHex: hex };
}

function readKept(storage: Storage | undefined): RelayDescriptor | undefined {
  try {
    const text = storage?.getItem(RELAY_STORAGE_KEY);
    return text === null || text === undefined ? undefined : parseRelayDescriptor(JSON.parse(text));
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
    const response = await fetcher(RELAY_DESCRIPTOR_PATH, { headers: { Accept: 'application/json' } });
    if (response.ok) {
      const descriptor = parseRelayDescriptor(await response.json());
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
