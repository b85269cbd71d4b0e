// Unlocking (docs/PROTOCOL.md §18.2): the keystore row opens with the passphrase (Argon2id, then the kc compare
// before any decryption) or with the recovery key (the recovery seal); then the stored membership log is
// replayed through the validator and checked against the verified head kept inside the keystore, so a log
// rolled back or edited in IndexedDB is refused.
import {
  equal,
  isCryptoError,
  keystoreKdfInputs,
  parseRecoveryKeyText,
  RecoveryKeyTextError,
  unlockKeystoreWithKek,
  unlockKeystoreWithRecoveryKey,
  wipe,
  type KeystoreBody,
} from '#crypto';
import { initialState, validateLog, type MembershipState } from '#protocol/membership/index';
import { entryHash } from '#protocol/membership/sign-entry';
import { VaultError } from '../records/vault-error.ts';
import type { KdfPort, ProgressListener, UnlockSecret } from '../vault-api.ts';

export interface OpenedKeystore {
  dsk: Uint8Array;
  body: KeystoreBody;
  vaultId: Uint8Array;
}

/** Maps crypto's failures to what the person is told: wrong secret, or a damaged row. */
function unlockError(error: unknown): unknown {
  if (isCryptoError(error, 'bad_passphrase'))
    return new VaultError('bad_passphrase', 'wrong passphrase', { cause: error });
  if (isCryptoError(error, 'bad_recovery_key'))
    return new VaultError('bad_recovery_key', 'wrong recovery key', { cause: error });
  if (isCryptoError(error, 'kdf_out_of_memory')) return error;
  if (isCryptoError(error)) return new VaultError('tampered_row', 'the keystore row is damaged', { cause: error });
  return error;
}

export async function openKeystore(
  bytes: Uint8Array,
  secret: UnlockSecret,
  kdf: KdfPort,
  onProgress?: ProgressListener,
): Promise<OpenedKeystore> {
  try {
    if ('passphrase' in secret) {
      if (typeof secret.passphrase !== 'string' || secret.passphrase.length === 0) {
        throw new VaultError('bad_passphrase', 'empty passphrase');
      }
      const { salt, params } = keystoreKdfInputs(bytes);
      onProgress?.({ phase: 'kdf', done: 0, total: 1 });
      const kek = await kdf(secret.passphrase, salt, params);
      onProgress?.({ phase: 'kdf', done: 1, total: 1 });
      try {
        return unlockKeystoreWithKek(bytes, kek);
      } finally {
        wipe(kek);
      }
    }
    const recoveryKey = parseTypedRecoveryKey(secret.recoveryKey);
    try {
      return unlockKeystoreWithRecoveryKey(bytes, recoveryKey);
    } finally {
      wipe(recoveryKey);
    }
  } catch (error) {
    throw unlockError(error);
  }
}

/** Replays the stored log; refuses one that fails validation or ends before the keystore's verified head. */
export function verifyMembership(
  body: KeystoreBody,
  vaultId: Uint8Array,
  entries: readonly Uint8Array[],
): MembershipState {
  const result = validateLog(initialState({ vaultId, pinnedRelayPk: body.relayPk }), entries);
  if (!result.ok) throw new VaultError('tampered_row', `stored membership log refused: ${result.code}`);
  const head = result.state.head;
  const anchor = entries[body.memberHeadSeq];
  if (
    head === null ||
    head.seq < body.memberHeadSeq ||
    anchor === undefined ||
    !equal(entryHash(vaultId, anchor), body.memberHeadHash)
  ) {
    throw new VaultError('tampered_row', 'stored membership log does not reach the verified head');
  }
  return result.state;
}

/** The recovery key as typed (§22.8): `recovery_key_mistyped` with where the typo is, or `bad_recovery_key`. */
export function parseTypedRecoveryKey(text: string): Uint8Array {
  try {
    return parseRecoveryKeyText(text);
  } catch (cause) {
    if (cause instanceof RecoveryKeyTextError) {
      throw new VaultError('recovery_key_mistyped', `the recovery key was mistyped (${cause.mistake.kind})`, {
        cause,
        detail: cause.mistake,
      });
    }
    throw new VaultError('bad_recovery_key', 'not a recovery key', { cause });
  }
}
