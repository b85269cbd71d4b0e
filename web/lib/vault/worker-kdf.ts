import type { KdfPort } from '#vault';
import { installTrustedTypesPolicy } from '$lib/security/install-trusted-types-policy.ts';

/** The worker's answer (vault/session/kdf-worker.ts): `{ ok: true, kek }` or `{ ok: false, code }`. */
function keyFrom(data: unknown): Uint8Array | Error {
  if (typeof data === 'object' && data !== null) {
    const { ok, kek, code } = data as { ok?: unknown; kek?: unknown; code?: unknown };
    if (ok === true && kek instanceof Uint8Array) return kek;
    if (ok === false) return new Error(`key derivation failed: ${typeof code === 'string' ? code : 'unknown'}`);
  }
  return new Error('key derivation failed: unexpected answer from the worker');
}

/**
 * Derives the key-encryption key in a Worker, so the page keeps painting (and the progress bar keeps moving)
 * during the second or so Argon2id takes. One worker per call, terminated at once: its memory (64 MiB or
 * more for Argon2id) is given back, and no key material lingers in a long-lived thread.
 */
export const workerKdf: KdfPort = (passphrase, salt, params) =>
  new Promise<Uint8Array>((resolve, reject) => {
    // `new Worker(url)` is a Trusted Types sink: the default policy lets the app's own build files through.
    installTrustedTypesPolicy();
    const worker = new Worker(new URL('../../../vault/session/kdf-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<unknown>) => {
      worker.terminate();
      const result = keyFrom(event.data);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    worker.onerror = (event: ErrorEvent) => {
      worker.terminate();
      reject(new Error(`key derivation worker failed: ${event.message}`));
    };
    worker.postMessage({ passphrase, salt, params: { opslimit: params.opslimit, memlimit: params.memlimit } });
  });
