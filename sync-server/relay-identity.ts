import fs from 'node:fs';
import path from 'node:path';
import { signKeyPair, sodium } from '#crypto';

/** The relay's own Ed25519 key (PROTOCOL.md §11.1): signs `welcome` frames and access-log witness entries. */
export interface RelayIdentity {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/**
 * Loads the relay's signing seed from `DATA_DIR/relay-signing-key` or creates it (mode 0600). The key is
 * pinned by every vault at creation, so losing it means every vault must re-pin: back it up with the data.
 */
export function loadRelayIdentity(dataDir: string): RelayIdentity {
  const file = path.join(dataDir, 'relay-signing-key');
  let seed: Uint8Array;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file} is not a 32-byte hex seed`);
    seed = Uint8Array.from(Buffer.from(text, 'hex'));
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    seed = sodium().randombytes_buf(32);
    fs.writeFileSync(file, Buffer.from(seed).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const pair = signKeyPair(seed);
  seed.fill(0);
  return pair;
}

/** A throwaway identity for tests and benchmarks. */
export function ephemeralRelayIdentity(): RelayIdentity {
  return signKeyPair(sodium().randombytes_buf(32));
}
