// Creating a vault (docs/PROTOCOL.md §10.3 genesis, §16.2 recovery kit, §18.2 keystore): fresh keys, the
// genesis entry naming the relay, the recovery principal and this device, and the keystore row holding it all
// under the passphrase. The recovery key R leaves as the kit and is wiped here: only its public half stays.
import {
  CryptoError,
  createKeystoreWithKek,
  deviceIdentity,
  epochCommitment,
  fromHex,
  inboxKeyPair,
  isCryptoError,
  KDF_LADDER,
  newDeviceSeeds,
  newRecoveryKey,
  recoveryKeyText,
  recoveryPrincipal,
  recoveryQrPayload,
  toHex,
  vaultIdText,
  wipe,
  type KdfParams,
  type KeystoreBody,
} from '#crypto';
import * as v from 'valibot';
import { entryHash, signNextEntry } from '#protocol/membership/sign-entry';
import { initialState, validateEntry, type MembershipState } from '#protocol/membership/index';
import type { Clock, Random } from '../records/ports.ts';
import { VaultError } from '../records/vault-error.ts';
import type { KdfPort, RecoveryKit, RelayDescriptor } from '../vault-api.ts';
import { PinnedRelay } from './read-relay-descriptor.ts';

export interface NewVault {
  vaultId: Uint8Array;
  keystore: Uint8Array;
  genesis: Uint8Array;
  dsk: Uint8Array;
  body: KeystoreBody;
  membership: MembershipState;
  recoveryKit: RecoveryKit;
}

export function parseRelay(relay: RelayDescriptor): { origin: string; pk: Uint8Array } {
  const parsed = v.safeParse(PinnedRelay, relay);
  if (!parsed.success) throw new VaultError('invalid_relay', `relay: ${v.summarize(parsed.issues)}`);
  return { origin: parsed.output.origin, pk: fromHex(parsed.output.publicKeyHex) };
}

/** Runs the KDF down the ladder (§18.2) until one step fits in memory; returns the KEK and what worked. */
export async function kekForNewPassphrase(
  kdf: KdfPort,
  passphrase: string,
  random: Random,
  ladder: readonly KdfParams[] = KDF_LADDER,
): Promise<{ kek: Uint8Array; salt: Uint8Array; params: KdfParams }> {
  for (const [i, params] of ladder.entries()) {
    const salt = random.bytes(16);
    try {
      return { kek: await kdf(passphrase, salt, params), salt, params };
    } catch (error) {
      if (!isCryptoError(error, 'kdf_out_of_memory') || i === ladder.length - 1) throw error;
    }
  }
  throw new CryptoError('kdf_out_of_memory', 'no KDF parameters worked');
}

export async function newVault(input: {
  passphrase: string;
  relay: RelayDescriptor;
  kdf: KdfPort;
  clock: Clock;
  random: Random;
  ladder?: readonly KdfParams[];
}): Promise<NewVault> {
  const relay = parseRelay(input.relay);
  const rng = (n: number): Uint8Array => input.random.bytes(n);
  const vaultId = rng(16);
  const seeds = newDeviceSeeds(rng);
  const device = deviceIdentity(seeds.sigSeed, seeds.boxSeed);
  const recoveryKey = newRecoveryKey(rng);
  const recovery = recoveryPrincipal(recoveryKey);
  const epochSecret = rng(32);
  const inbox = inboxKeyPair(epochSecret, 0);
  try {
    const genesis = signNextEntry(
      vaultId,
      null,
      {
        signer: 2,
        time: input.clock.now(),
        body: {
          kind: 'genesis',
          vaultId,
          relayOrigin: relay.origin,
          relayPk: relay.pk,
          recoverySigPk: recovery.sigPk,
          recoveryBoxPk: recovery.boxPk,
          deviceSigPk: device.sigPk,
          deviceBoxPk: device.boxPk,
          newEpoch: { epoch: 0, commitment: epochCommitment(epochSecret, vaultId, 0), inboxPk: inbox.publicKey },
        },
      },
      device.sigSk,
    );
    // The device checks its own genesis with the validator every other party runs.
    const result = validateEntry(initialState({ vaultId, pinnedRelayPk: relay.pk }), genesis);
    if (!result.ok) throw new VaultError('invalid_doc', `genesis refused: ${result.code}`);
    const h0 = entryHash(vaultId, genesis);
    const body: KeystoreBody = {
      deviceIndex: 2,
      sigSeed: seeds.sigSeed,
      boxSeed: seeds.boxSeed,
      relayOrigin: relay.origin,
      relayPk: relay.pk,
      h0,
      memberHeadSeq: 0,
      memberHeadHash: h0,
      accessHeadSeq: 0,
      accessHeadHash: new Uint8Array(32),
      keyring: [epochSecret],
    };
    const { kek, salt, params } = await kekForNewPassphrase(input.kdf, input.passphrase, input.random, input.ladder);
    let created: { bytes: Uint8Array; dsk: Uint8Array };
    try {
      created = createKeystoreWithKek({ vaultId, kek, salt, params, recoveryBoxPk: recovery.boxPk, body, rng });
    } finally {
      wipe(kek);
    }
    const recoveryKit: RecoveryKit = {
      vaultIdText: vaultIdText(vaultId),
      recoveryKeyText: recoveryKeyText(recoveryKey),
      qrPayload: recoveryQrPayload(recoveryKey, vaultId, relay.origin),
      createdAt: Math.floor(input.clock.now() / 1000),
    };
    return {
      vaultId,
      keystore: created.bytes,
      genesis,
      dsk: created.dsk,
      body,
      membership: result.state,
      recoveryKit,
    };
  } finally {
    wipe(recoveryKey, recovery.sigSk, recovery.boxSk, device.sigSk, device.boxSk, inbox.secretKey);
  }
}

export const vaultHex = (vaultId: Uint8Array): string => toHex(vaultId);
