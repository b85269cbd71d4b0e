// A module Worker that runs Argon2id (docs/PROTOCOL.md §18.2) off the page's thread, so the unlock screen can
// show progress and stay responsive. It receives one request, answers once with the KEK (its buffer
// transferred, so no copy stays here) or an error code, and is terminated by the caller.
import * as v from 'valibot';
import { deriveKek, isCryptoError, ready } from '#crypto';

const Request = v.strictObject({
  passphrase: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  salt: v.instance(Uint8Array),
  params: v.strictObject({ opslimit: v.number(), memlimit: v.number() }),
});

export type KdfWorkerAnswer = { ok: true; kek: Uint8Array } | { ok: false; code: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: KdfWorkerAnswer, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  void (async () => {
    const parsed = v.safeParse(Request, event.data);
    if (!parsed.success) {
      scope.postMessage({ ok: false, code: 'bad_argument' });
      return;
    }
    try {
      await ready();
      const { passphrase, salt, params } = parsed.output;
      const kek = deriveKek(passphrase, salt, params);
      scope.postMessage({ ok: true, kek }, [kek.buffer]);
    } catch (error) {
      scope.postMessage({ ok: false, code: isCryptoError(error) ? error.code : 'internal' });
    }
  })();
};
