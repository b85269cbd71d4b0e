// Issue 12, finding 1: who may file which keyring wrap (PROTOCOL.md §8.2). Every attack of the attack
// client, against a real relay on a real socket: refused, nothing stored, and WRAP_GET still serves the honest
// bytes to every member. On a16b06f each of these attacks was answered ACK and the honest wrap replaced.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ready, toHex } from '#crypto';
import { readWrapHeader } from '#protocol';
import { startVaultRelay, type VaultRelay } from '#tests/helpers/relay-vault';
import { authenticate, garbageWrap, rotationWraps, type RelayClient, type Reply } from '#tests/helpers/relay-client';

await ready();

const code = (reply: Reply): string => (reply.type === 'error' ? reply.code : reply.type);

describe('keyring wraps: only the author, for an entitled recipient, at the current epoch, never replaced', () => {
  let v: VaultRelay;
  let assistant: number;
  let assistantClient: RelayClient | undefined;
  /** Honest wraps by recipient, as WRAP_GET must keep serving them (hex of every epoch's wrap, in order). */
  const honest = new Map<number, string[]>();

  const garbage = (h: { epoch: number; recipient: number; author: number; mhead: number }, signer: number) =>
    garbageWrap(v.log, h, signer);
  const append = (client: RelayClient, from: number, wraps: Uint8Array[]): Promise<Reply> =>
    client.request({ type: 'MEMBER_APPEND', entries: v.log.entries.slice(from), wraps, keyboxes: [] });
  const wrapsOf = async (principal: number): Promise<string[]> => {
    const client = await v.connect();
    expect(code(await authenticate(client, v.log, v.origin, principal))).toBe('SESSION');
    const reply = await client.request({ type: 'WRAP_GET', fromEpoch: 0 });
    client.close();
    if (reply.type !== 'WRAPS') throw new Error(`WRAP_GET answered ${code(reply)}`);
    return reply.wraps.map(toHex);
  };
  const expectHonestWraps = async (): Promise<void> => {
    for (const [principal, wraps] of honest) expect(await wrapsOf(principal)).toEqual(wraps);
  };
  const headSeq = async (client: RelayClient): Promise<number> => {
    const reply = await client.request({ type: 'MEMBER_GET', sinceSeq: 0 });
    return reply.type === 'MEMBER_ENTRIES' ? reply.entries.length - 1 : -1;
  };

  beforeEach(async () => {
    v = await startVaultRelay('wrap-policy');
    honest.clear();
    // An assistant joins (its wrap at epoch 0, filed by the patient), then the patient rotates to epoch 1.
    let first = v.log.entries.length;
    assistant = v.log.addAssistant(2).index;
    const assistantWrap = rotationWraps(v.log, 2).slice(2); // recipients 1, 2, assistant: the last
    expect(code(await append(v.a, first, assistantWrap))).toBe('ACK');
    first = v.log.entries.length;
    v.log.append(2, { kind: 'rotate', reason: 3, newEpoch: v.log.newEpoch() });
    expect(code(await append(v.a, first, rotationWraps(v.log, 2)))).toBe('ACK');
    for (const p of [1, 2, assistant]) honest.set(p, await wrapsOf(p));
    expect(honest.get(1)).toHaveLength(2);
    expect(honest.get(assistant)).toHaveLength(2);
    assistantClient = await v.connect();
    expect(code(await authenticate(assistantClient, v.log, v.origin, assistant))).toBe('SESSION');
  });
  const asst = (): RelayClient => {
    if (assistantClient === undefined) throw new Error('no assistant session');
    return assistantClient;
  };
  afterEach(async () => {
    if (assistantClient !== undefined) assistantClient.close();
    assistantClient = undefined;
    await v.stop();
  });

  it('refuses an assistant filing wraps for the recovery principal and the patient device, epoch 0 and current', async () => {
    const head = v.log.state.head?.seq ?? 0;
    const attacks: [string, Uint8Array][] = [];
    for (const recipient of [1, 2]) {
      // Its own name as author: at epoch 0 a past epoch, at epoch 1 a replacement.
      attacks.push(['forbidden', garbage({ epoch: 0, recipient, author: assistant, mhead: 0 }, assistant)]);
      attacks.push(['wrap_exists', garbage({ epoch: 1, recipient, author: assistant, mhead: head }, assistant)]);
      // The patient's name as author (the header lies; the relay holds it to the session).
      attacks.push(['forbidden', garbage({ epoch: 1, recipient, author: 2, mhead: head }, assistant)]);
    }
    for (const [expected, wrap] of attacks)
      expect(code(await append(asst(), v.log.entries.length, [wrap]))).toBe(expected);
    // Mixed into one frame with a wrap that would be allowed on its own: the whole frame is refused.
    expect(
      code(
        await append(
          asst(),
          v.log.entries.length,
          attacks.map(([, w]) => w),
        ),
      ),
    ).toBe('forbidden');
    await expectHonestWraps();
    expect(await headSeq(v.a)).toBe(head);
  });

  it('refuses the recovery principal overwriting the patient device wrap, alone or with its own device-add', async () => {
    const recovery = await v.connect();
    expect(code(await authenticate(recovery, v.log, v.origin, 1))).toBe('SESSION');
    const head = v.log.state.head?.seq ?? 0;
    const overwrite = garbage({ epoch: 1, recipient: 2, author: 1, mhead: head }, 1);
    expect(code(await append(recovery, v.log.entries.length, [overwrite]))).toBe('forbidden');
    // With a device-add of its own: it may wrap for that device only.
    const first = v.log.entries.length;
    const added = v.log.addDevice(1, 0);
    const forAdded = garbage({ epoch: 1, recipient: added, author: 1, mhead: head + 1 }, 1);
    const forPatient = garbage({ epoch: 1, recipient: 2, author: 1, mhead: head + 1 }, 1);
    expect(code(await append(recovery, first, [forAdded, forPatient]))).toBe('forbidden');
    expect(await headSeq(v.a)).toBe(head);
    await expectHonestWraps();
    // The honest recovery flow (§16.2) still works: the device-add and the new device's wrap.
    expect(await append(recovery, first, [forAdded])).toMatchObject({ type: 'ACK', value: head + 1 });
    expect(await wrapsOf(added)).toEqual([toHex(forAdded)]);
    recovery.close();
    await expectHonestWraps();
  });

  it('a removed assistant can file nothing, and its last session is cut', async () => {
    const first = v.log.entries.length;
    v.log.append(2, { kind: 'assistant-remove', person: 1, newEpoch: v.log.newEpoch() });
    const wraps = rotationWraps(v.log, 2);
    expect(code(await append(v.a, first, wraps))).toBe('ACK');
    for (const p of [1, 2]) honest.get(p)?.push(toHex(wraps[[1, 2].indexOf(p)] ?? new Uint8Array()));
    honest.delete(assistant);
    expect((await asst().closed).code).toBe(1008);
    const again = await v.connect();
    expect(code(await authenticate(again, v.log, v.origin, assistant))).toBe('revoked');
    await expectHonestWraps();
  });

  it('refuses the replacement of a stored wrap, even by its author; a byte-identical resend stores nothing new', async () => {
    const head = v.log.state.head?.seq ?? 0;
    const mine = garbage({ epoch: 1, recipient: 2, author: 2, mhead: head }, 2);
    expect(code(await append(v.a, v.log.entries.length, [mine]))).toBe('wrap_exists');
    const stored = honest.get(2) ?? [];
    const resend = Uint8Array.from(Buffer.from(stored[1] ?? '', 'hex'));
    expect(code(await append(v.a, v.log.entries.length, [resend]))).toBe('ACK');
    // A wrap for a principal that is no keyring recipient (the relay, index 0) is refused too.
    const relayWrap = garbage({ epoch: 1, recipient: 0, author: 2, mhead: head }, 2);
    expect(code(await append(v.a, v.log.entries.length, [relayWrap]))).toBe('forbidden');
    await expectHonestWraps();
  });

  it('a device added without its wrap: only its adder may file the wrap later, not another member first', async () => {
    // The patient adds a device and forgets its wrap (allowed: §8.2 lets the adder make up for it later).
    const first = v.log.entries.length;
    const added = v.log.addDevice(2, 0);
    expect(code(await append(v.a, first, []))).toBe('ACK');
    const head = v.log.state.head?.seq ?? 0;
    // The assistant files garbage for it first: before this rule, ACK, and the patient's honest wrap then got
    // wrap_exists until the next rotation, locking the new device out of the current epoch.
    const squat = garbage({ epoch: 1, recipient: added, author: assistant, mhead: head }, assistant);
    expect(code(await append(asst(), v.log.entries.length, [squat]))).toBe('forbidden');
    expect(await wrapsOf(added)).toEqual([]);
    const honestWrap = rotationWraps(v.log, 2).find((w) => readWrapHeader(w)?.recipient === added);
    if (honestWrap === undefined) throw new Error('no wrap for the added device');
    expect(code(await append(v.a, v.log.entries.length, [honestWrap]))).toBe('ACK');
    expect(await wrapsOf(added)).toEqual([toHex(honestWrap)]);
    await expectHonestWraps();
  });
});
