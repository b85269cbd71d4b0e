import { describe, expect, it } from 'vitest';
import {
  loadRelayDescriptor,
  RELAY_STORAGE_KEY,
  RelayUnavailableError,
} from '../../web/lib/vault/load-relay-descriptor.ts';

const KEY_HEX = '3f'.repeat(32);
const KEY_B64URL = Buffer.from(KEY_HEX, 'hex').toString('base64url');
const WIRE = { v: 1, origin: 'https://carnet.example', signingKey: KEY_B64URL, protocols: [1], maxFrameBytes: 1 };

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => items.delete(key),
    setItem: (key, value) => items.set(key, value),
  };
}

const answering =
  (body: unknown, status = 200): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));
const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));

describe(loadRelayDescriptor.name, () => {
  it('fetches the descriptor and keeps it on the device', async () => {
    const storage = memoryStorage();
    const sut = await loadRelayDescriptor(answering(WIRE), storage);
    expect(sut.publicKeyHex).toBe(KEY_HEX);
    expect(JSON.parse(storage.getItem(RELAY_STORAGE_KEY) ?? '')).toEqual(sut);
  });

  it('uses the kept descriptor when offline or when the relay answers badly', async () => {
    const storage = memoryStorage();
    await loadRelayDescriptor(answering(WIRE), storage);
    await expect(loadRelayDescriptor(offline, storage)).resolves.toMatchObject({ publicKeyHex: KEY_HEX });
    await expect(loadRelayDescriptor(answering({}, 500), storage)).resolves.toMatchObject({ publicKeyHex: KEY_HEX });
    await expect(loadRelayDescriptor(answering({ origin: 'x' }), storage)).resolves.toMatchObject({
      publicKeyHex: KEY_HEX,
    });
  });

  it('fails with RelayUnavailableError when offline on a first visit', async () => {
    await expect(loadRelayDescriptor(offline, memoryStorage())).rejects.toBeInstanceOf(RelayUnavailableError);
  });
});
