import { concat, equal, hash, sign, u64be, varint, verify, vstr } from '#crypto';
import {
  decodeEntry,
  initialState,
  isActive,
  principalAt,
  readEnvelopeHeader,
  validateEntry,
  type ClientFrame,
  type HelloFrame,
  type WelcomeFrame,
  PROTOCOL_VERSION,
} from '#protocol';
import { checkpointOf } from '../hub/membership-checkpoint.ts';
import { membershipBytes } from '../store/relay-store.ts';
import { refuse } from './wire-error.ts';
import { checkWraps } from './wrap-policy.ts';
import type { SessionContext } from './session-context.ts';

/** Clock skew tolerated on an AUTH timestamp (§11.3). */
const MAX_SKEW_MS = 120_000;
const GENESIS_DEVICE = 2;

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** `hello` -> `welcome` (§11.2): a fresh challenge, signed with the relay key together with the client's nonce. */
export function welcome(ctx: SessionContext, hello: HelloFrame, random: (n: number) => Uint8Array): WelcomeFrame {
  const nonce = Uint8Array.from(Buffer.from(hello.nonce, 'base64url'));
  const challenge = random(32);
  ctx.challenge = challenge;
  const time = ctx.clock.now();
  const sig = sign(
    ctx.identity.secretKey,
    'carnet/v1/relay-hello',
    concat(nonce, challenge, u64be(BigInt(time)), vstr(ctx.origin(), 255)),
  );
  return { type: 'welcome', version: PROTOCOL_VERSION, challenge: b64url(challenge), time, sig: b64url(sig) };
}

/** The signed AUTH message (§11.3); VAULT_CREATE signs the same with principal 2. */
export function authMessage(
  challenge: Uint8Array,
  origin: string,
  time: bigint,
  vaultId: Uint8Array,
  principal: number,
): Uint8Array {
  return concat(challenge, vstr(origin, 255), u64be(time), vaultId, varint(principal));
}

/** Takes the connection's challenge (single use) and checks the timestamp. */
function spendChallenge(ctx: SessionContext, time: bigint): Uint8Array {
  const challenge = ctx.challenge;
  ctx.challenge = undefined;
  if (challenge === undefined) refuse('auth_expired', 'challenge already used');
  if (Math.abs(Number(time) - ctx.clock.now()) > MAX_SKEW_MS)
    refuse('auth_expired', 'timestamp too far from the relay clock');
  return challenge;
}

/**
 * AUTH (§11.3). The signature is checked first, against the principal's key as the store keeps it (issue 12):
 * a stranger with an all-zero signature loads nothing, and learns nothing about who is active (an unknown
 * index and a bad signature get the same answer; `revoked` only to the holder of the revoked key).
 */
export async function handleAuth(ctx: SessionContext, frame: Extract<ClientFrame, { type: 'AUTH' }>): Promise<void> {
  if (ctx.auth !== undefined) refuse('bad_frame', 'already authenticated');
  const challenge = spendChallenge(ctx, frame.time);
  const message = authMessage(challenge, ctx.origin(), frame.time, frame.vaultId, frame.principal);
  const key = await ctx.store.principalKey(frame.vaultId, frame.principal);
  if (key === undefined) {
    if ((await ctx.store.vault(frame.vaultId)) === undefined) refuse('unknown_vault', 'no such vault');
    // Every vault with principal rows has one for its genesis device; one stored before the rows were kept has
    // none until the start-up backfill (backfill-states.ts) reaches it. An AUTH in that window loads it now: the
    // same one-time replay the backfill would do, shared with it through the hub, never repeated.
    if ((await ctx.store.principalKey(frame.vaultId, GENESIS_DEVICE)) !== undefined)
      refuse('auth_failed', 'bad signature');
    await ctx.hub.open(frame.vaultId);
    if ((await ctx.store.principalKey(frame.vaultId, frame.principal)) === undefined)
      refuse('auth_failed', 'bad signature');
    return handleAuthWithKey(ctx, frame, message);
  }
  if (key.role === 'relay' || !verify(key.sigPk, 'carnet/v1/auth', message, frame.sig))
    refuse('auth_failed', 'bad signature');
  return handleAuthWithKey(ctx, frame, message);
}

/** After the signature held against the stored key: the live state decides (it is the same, committed together). */
async function handleAuthWithKey(
  ctx: SessionContext,
  frame: Extract<ClientFrame, { type: 'AUTH' }>,
  message: Uint8Array,
): Promise<void> {
  const vault = await ctx.hub.open(frame.vaultId);
  if (vault === undefined) refuse('unknown_vault', 'no such vault');
  const principal = principalAt(vault.membership, frame.principal);
  if (principal === undefined || principal.role === 'relay') refuse('auth_failed', 'bad signature');
  if (!verify(principal.sigPk, 'carnet/v1/auth', message, frame.sig)) refuse('auth_failed', 'bad signature');
  if (!isActive(vault.membership, frame.principal)) refuse('revoked', 'this key was removed from the vault');
  // Professionals (bound links) authenticate here too once the sharing issue serves them; until then, refuse.
  if (principal.role === 'link' || principal.role === 'professional')
    refuse('forbidden', 'professional sessions are not served yet');
  ctx.onAuthenticated(vault, frame.principal);
}

export async function handleVaultCreate(
  ctx: SessionContext,
  frame: Extract<ClientFrame, { type: 'VAULT_CREATE' }>,
): Promise<void> {
  if (ctx.auth !== undefined) refuse('bad_frame', 'already authenticated');
  const challenge = spendChallenge(ctx, frame.time);
  let vaultId: Uint8Array;
  try {
    const entry = decodeEntry(frame.genesis);
    if (entry.body.kind !== 'genesis') refuse('member_bad_genesis', 'first entry is not a genesis');
    vaultId = entry.body.vaultId;
  } catch (error) {
    if (error instanceof Error && error.name === 'WireError') throw error;
    refuse('member_bad_genesis', 'genesis does not decode');
  }
  const validated = validateEntry(initialState({ vaultId, pinnedRelayPk: ctx.identity.publicKey }), frame.genesis);
  if (!validated.ok) refuse(validated.code, 'genesis refused');
  const device = principalAt(validated.state, GENESIS_DEVICE);
  if (device === undefined) refuse('member_bad_genesis', 'genesis names no device');
  const message = authMessage(challenge, ctx.origin(), frame.time, vaultId, GENESIS_DEVICE);
  if (!verify(device.sigPk, 'carnet/v1/auth', message, frame.sig)) refuse('auth_failed', 'bad signature');

  // The same rules as MEMBER_APPEND's (§8.2): device 2 wraps for the genesis' keyring recipients, epoch 0.
  const wraps = await checkWraps(
    { store: ctx.store, vaultId, author: GENESIS_DEVICE, state: validated.state, onlyFor: undefined, newVault: true },
    frame.wraps,
  );
  const recipients = new Set(wraps.map((w) => w.recipient));
  if (!recipients.has(GENESIS_DEVICE) || !recipients.has(validated.state.recoveryIndex)) {
    refuse('missing_wraps', 'epoch 0 needs a wrap for the device and the recovery principal');
  }
  const index = readEnvelopeHeader(frame.indexSnapshot);
  if (index?.type !== 'snapshot' || index.author !== GENESIS_DEVICE || index.epoch !== 0) {
    refuse('bad_envelope', 'the index snapshot header does not parse');
  }
  if (frame.indexSnapshot.length > ctx.limits.createIndexBytes)
    refuse('too_large', `the index snapshot of a new vault is limited to ${ctx.limits.createIndexBytes} bytes`);
  const used = membershipBytes([frame.genesis], wraps) + frame.indexSnapshot.length;
  if (used > ctx.limits.vaultQuotaBytes) refuse('quota_exceeded', 'vault quota reached');
  await ctx.disk.check();
  // Counted last, once the request is valid: a malformed one costs nothing and does not use up the address's caps.
  const refusal = ctx.admission.admit(ctx.address, ctx.invite);
  if (refusal !== undefined)
    refuse(
      refusal.code,
      refusal.message,
      refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs },
    );
  const indexId = Uint8Array.from(Buffer.from(validated.state.indexId, 'hex'));
  const created = await ctx.store.createVault(
    vaultId,
    frame.genesis,
    wraps,
    {
      recordId: indexId,
      kind: 'snapshot',
      author: GENESIS_DEVICE,
      seq: 0,
      bytes: frame.indexSnapshot,
      hash: hash(frame.indexSnapshot),
      coverage: index.coverage,
    },
    checkpointOf(validated.state, undefined),
  );
  if (!created) refuse('vault_exists', 'a vault with this id exists');
  const vault = ctx.hub.adopt(vaultId, validated.state, 1, used);
  if (!equal(vault.vaultId, vaultId)) refuse('internal', 'vault id mismatch');
  ctx.onAuthenticated(vault, GENESIS_DEVICE);
}
