// Builds real, signed membership logs from a fixed seed for the protocol tests, the property and fuzz tests
// and the vectors. Every key comes from the seed, so the same seed always yields the same bytes.
import { concat, hash, sign, toHex, u32be, utf8 } from '#crypto';
import { deviceIdentity, recoveryPrincipal, type Identity } from '#crypto/identity';
import { deriveLinkKeys, type LinkKeys } from '#crypto/link-secret';
import { epochCommitment, inboxKeyPair } from '#crypto/record-keys';
import { compareIds } from '#protocol/membership/encode-entry';
import {
  initialState,
  signLinkClaim,
  signNextEntry,
  validateEntry,
  type MemberBody,
  type MembershipState,
  type NewEpoch,
  type ValidateResult,
} from '#protocol/membership/index';

export const RELAY_ORIGIN = 'https://relay.carnet.example';
export const BASE_TIME = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export class MembershipLogBuilder {
  readonly vaultId: Uint8Array;
  readonly relay: Identity;
  readonly recoveryKey: Uint8Array;
  /** Signing identities by membership index (devices, recovery principals, professionals). */
  readonly keys = new Map<number, Identity>();
  /** Link keys by share index. */
  readonly links = new Map<number, LinkKeys>();
  /** Epoch secrets S_0 … S_E. */
  readonly epochSecrets: Uint8Array[] = [];
  readonly entries: Uint8Array[] = [];
  state: MembershipState;
  #counter = 0;
  readonly #seed: Uint8Array;

  /** `relay`: pin an existing relay identity (several vaults on one relay); by default one derived from the seed. */
  constructor(seed: string, relay?: Identity) {
    this.#seed = utf8(seed, 1000);
    this.vaultId = this.random(16);
    this.relay = relay ?? this.identity();
    this.recoveryKey = this.random(32);
    this.state = initialState({ vaultId: this.vaultId, pinnedRelayPk: this.relay.sigPk });
  }

  /** Deterministic bytes: H(seed ‖ counter), truncated. */
  random(length: number): Uint8Array {
    const out = hash(concat(this.#seed, u32be(this.#counter++)));
    return out.slice(0, length);
  }

  /** Seeds of every identity made, by hex signing key: the vectors publish them. */
  readonly seeds = new Map<string, { sigSeed: Uint8Array; boxSeed: Uint8Array }>();
  /** Link secrets L by share index. */
  readonly linkSecrets = new Map<number, Uint8Array>();

  identity(): Identity {
    const sigSeed = this.random(32);
    const boxSeed = this.random(32);
    const id = deviceIdentity(sigSeed, boxSeed);
    this.seeds.set(toHex(id.sigPk), { sigSeed, boxSeed });
    return id;
  }

  recordIds(count: number): Uint8Array[] {
    return Array.from({ length: count }, () => this.random(16)).sort(compareIds);
  }

  get time(): number {
    return BASE_TIME + (this.state.head === null ? 0 : this.state.head.seq + 1) * 60_000;
  }

  /** A NewEpoch block for the next epoch, from a fresh epoch secret. */
  newEpoch(epoch = this.state.head === null ? 0 : this.state.epoch + 1): NewEpoch {
    const secret = this.random(32);
    this.epochSecrets[epoch] = secret;
    return {
      epoch,
      commitment: epochCommitment(secret, this.vaultId, epoch),
      inboxPk: inboxKeyPair(secret, epoch).publicKey,
    };
  }

  /** Sign `body` as `signer` on the current head without validating (for tests of refusals). */
  draft(signer: number, body: MemberBody, signingKey?: Uint8Array): Uint8Array {
    const key = signingKey ?? this.keys.get(signer)?.sigSk;
    if (key === undefined) throw new Error(`no key for index ${signer}`);
    return signNextEntry(this.vaultId, this.state.head, { signer, time: this.time, body }, key);
  }

  /** Validate against the current state without changing it. */
  check(bytes: Uint8Array): ValidateResult {
    return validateEntry(this.state, bytes);
  }

  /** Validate and keep `bytes`; throws with the code if the validator refuses (a bug in the test). */
  accept(bytes: Uint8Array): number {
    const result = validateEntry(this.state, bytes);
    if (!result.ok) throw new Error(`validator refused entry ${this.entries.length}: ${result.code}`);
    this.state = result.state;
    this.entries.push(bytes);
    return result.state.principals.length - 1;
  }

  append(signer: number, body: MemberBody): number {
    return this.accept(this.draft(signer, body));
  }

  genesis(): this {
    const device = this.identity();
    const recovery = recoveryPrincipal(this.recoveryKey);
    this.keys.set(1, recovery);
    this.keys.set(2, device);
    const body: MemberBody = {
      kind: 'genesis',
      vaultId: this.vaultId,
      relayOrigin: RELAY_ORIGIN,
      relayPk: this.relay.sigPk,
      recoverySigPk: recovery.sigPk,
      recoveryBoxPk: recovery.boxPk,
      deviceSigPk: device.sigPk,
      deviceBoxPk: device.boxPk,
      newEpoch: this.newEpoch(0),
    };
    this.accept(this.draft(2, body));
    return this;
  }

  addDevice(signer: number, person: number): number {
    const id = this.identity();
    const index = this.append(signer, { kind: 'device-add', person, sigPk: id.sigPk, boxPk: id.boxPk });
    this.keys.set(index, id);
    return index;
  }

  addAssistant(signer: number): { index: number; person: number } {
    const id = this.identity();
    const index = this.append(signer, { kind: 'assistant-add', sigPk: id.sigPk, boxPk: id.boxPk });
    this.keys.set(index, id);
    return { index, person: this.state.persons.length - 1 };
  }

  createLink(
    signer: number,
    scope: readonly Uint8Array[],
    terms: { expiresS?: number; maxUses?: number; passcodeFailures?: number; deposit?: boolean } = {},
  ): number {
    const secret = this.random(32);
    const keys = deriveLinkKeys(secret);
    const failures = terms.passcodeFailures ?? 0;
    const index = this.append(signer, {
      kind: 'link-create',
      linkId: keys.linkId,
      linkAuthPk: keys.authPublicKey,
      linkBoxPk: keys.boxPublicKey,
      expiresS: terms.expiresS ?? 0,
      maxUses: terms.maxUses ?? 0,
      maxPasscodeFailures: failures,
      verifier: failures > 0 ? this.random(32) : null,
      deposit: terms.deposit ?? false,
      scope,
    });
    this.links.set(index, keys);
    this.linkSecrets.set(index, secret);
    return index;
  }

  /** The link-claim entry for `linkIndex` by a fresh professional key (not validated). */
  draftClaim(
    linkIndex: number,
    pro: Identity = this.identity(),
    options: { linkAuthSk?: Uint8Array; linkSigPrev?: Uint8Array } = {},
  ): Uint8Array {
    const link = this.links.get(linkIndex);
    if (link === undefined) throw new Error(`no link ${linkIndex}`);
    const prev = options.linkSigPrev ?? this.state.head?.hash ?? new Uint8Array(32);
    const authSk = options.linkAuthSk ?? link.authSecretKey;
    const linkSig = signLinkClaim(this.vaultId, linkIndex, pro.sigPk, pro.boxPk, prev, authSk);
    const body: MemberBody = { kind: 'link-claim', linkIndex, proSigPk: pro.sigPk, proBoxPk: pro.boxPk, linkSig };
    return this.draft(linkIndex, body, pro.sigSk);
  }

  claimLink(linkIndex: number): number {
    const pro = this.identity();
    this.accept(this.draftClaim(linkIndex, pro));
    this.keys.set(linkIndex, pro);
    return linkIndex;
  }

  /** Sign hand-crafted entry bytes (everything but the signature) as `signer`: for non-canonical encodings. */
  resign(unsigned: Uint8Array, signer: number): Uint8Array {
    const key = this.keys.get(signer)?.sigSk;
    if (key === undefined) throw new Error(`no key for index ${signer}`);
    return concat(unsigned, sign(key, 'carnet/v1/member', concat(this.vaultId, unsigned)));
  }

  removeDevice(signer: number, index: number): void {
    this.append(signer, { kind: 'device-remove', index, newEpoch: this.newEpoch() });
  }
}
